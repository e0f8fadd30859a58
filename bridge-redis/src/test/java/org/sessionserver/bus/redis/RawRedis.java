package org.sessionserver.bus.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.sessionserver.bus.testing.RedisServerProcess;

/**
 * A test's own view of the Redis under test, apart from the code under test: a plain Lettuce connection that
 * reconnects after a restart, and a fresh key prefix per test so tests never see each other's keys or channels.
 */
final class RawRedis implements AutoCloseable {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final RedisServerProcess server;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private RawRedis(RedisServerProcess server) {
        this.server = server;
        this.client = RedisClient.create(RedisURI.create(server.url()));
        client.setOptions(ClientOptions.builder().autoReconnect(true).build());
        this.connection = client.connect();
    }

    static RawRedis start() {
        return new RawRedis(RedisServerProcess.start());
    }

    static String newPrefix() {
        return "t" + PREFIXES.incrementAndGet() + ":";
    }

    RedisCommands<String, String> sync() {
        return connection.sync();
    }

    String url() {
        return server.url();
    }

    /** Subscribers of {@code channel} right now (PUBSUB NUMSUB). */
    long subscribers(String channel) {
        Map<String, Long> counts = sync().pubsubNumsub(channel);
        return counts.getOrDefault(channel, 0L);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        server.close();
    }
}
