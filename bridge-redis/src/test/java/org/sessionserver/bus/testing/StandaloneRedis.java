package org.sessionserver.bus.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;

/** One redis-server, as {@link TestRedis}. */
public final class StandaloneRedis implements TestRedis {
    private final RedisServerProcess server;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private StandaloneRedis(RedisServerProcess server) {
        this.server = server;
    }

    public static StandaloneRedis start() {
        return new StandaloneRedis(RedisServerProcess.start());
    }

    /** Over a server started already (one that persists, say); closing this closes it. */
    public static StandaloneRedis of(RedisServerProcess server) {
        return new StandaloneRedis(server);
    }

    public RedisServerProcess server() {
        return server;
    }

    @Override
    public Kind kind() {
        return Kind.STANDALONE;
    }

    @Override
    public String url() {
        return server.url();
    }

    @Override
    public Map<String, String> env() {
        return Map.of("REDIS_URL", server.url());
    }

    @Override
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null) {
            client = RedisClient.create(RedisURI.create(server.url()));
            client.setOptions(io.lettuce.core.ClientOptions.builder().autoReconnect(true).build());
            connection = client.connect();
        }
        return connection.sync();
    }

    @Override
    public long subscribers(String channel) {
        return commands().pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public void killPubSubClients() {
        commands().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
    }

    @Override
    public long shardSubscribers(String channel) {
        return commands().pubsubShardNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        server.close();
    }
}
