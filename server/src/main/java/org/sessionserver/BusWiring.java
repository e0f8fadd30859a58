package org.sessionserver;

import io.netty.channel.EventLoopGroup;
import org.sessionserver.bus.ClusterBus;
import org.sessionserver.bus.EchoEngine;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.InMemoryClusterBus;
import org.sessionserver.bus.InMemoryEngineBus;
import org.sessionserver.bus.InMemorySessionDirectory;
import org.sessionserver.bus.InMemoryTopics;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.Topics;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.redis.EngineStreams;
import org.sessionserver.bus.redis.RedisClusterBus;
import org.sessionserver.bus.redis.RedisConnections;
import org.sessionserver.bus.redis.RedisDeployment;
import org.sessionserver.bus.redis.RedisEngineBus;
import org.sessionserver.bus.redis.RedisKeys;
import org.sessionserver.bus.redis.RedisSessionDirectory;
import org.sessionserver.bus.redis.RedisTopics;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.RedisConfig;
import org.sessionserver.config.ServerConfig;

/**
 * What a node shares with the rest of the cluster: the engine bus, the session directory, topic membership and the
 * node-to-node channel, in memory (embedded default) or over Redis ({@code REDIS_URL}), plus the built-in echo engine when
 * {@code ENGINE=echo}. The rest of the server sees only the seams.
 */
public final class BusWiring implements AutoCloseable {
    /** The consumer group of the built-in echo engine on the Redis stream. */
    public static final String ECHO_GROUP = "echo";

    private final EngineBus bus;
    private final SessionDirectory directory;
    private final Topics topics;
    private final ClusterBus cluster;
    private final AutoCloseable engine;
    private final AutoCloseable connections;

    private BusWiring(EngineBus bus, SessionDirectory directory, Topics topics, ClusterBus cluster,
                      AutoCloseable engine, AutoCloseable connections) {
        this.bus = bus;
        this.directory = directory;
        this.topics = topics;
        this.cluster = cluster;
        this.engine = engine;
        this.connections = connections;
    }

    public static BusWiring from(ServerConfig config) {
        return from(config, null);
    }

    /**
     * With Redis's connections on {@code serverLoops} (the server's event loops, stopped by the caller after {@link
     * #close}); null: on Lettuce's own threads.
     */
    public static BusWiring from(ServerConfig config, EventLoopGroup serverLoops) {
        return config.redis().isEmbedded() ? embedded(config) : redis(config, serverLoops);
    }

    private static BusWiring embedded(ServerConfig config) {
        InMemoryEngineBus bus = new InMemoryEngineBus();
        AutoCloseable engine = config.engine() == ServerConfig.EngineMode.ECHO ? EchoEngine.start(bus.engineSide()) : null;
        return new BusWiring(bus, new InMemorySessionDirectory(), new InMemoryTopics(), new InMemoryClusterBus(),
                engine, null);
    }

    private static BusWiring redis(ServerConfig config, EventLoopGroup serverLoops) {
        RedisConfig redis = config.redis();
        RedisDeployment deployment;
        try {
            deployment = RedisDeployment.parse(redis.url().orElseThrow(), redis.cluster());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("REDIS_URL", e.getMessage());
        }
        RedisConnections connections;
        try {
            connections = RedisConnections.connect(deployment, serverLoops);
        } catch (RuntimeException e) {
            throw new ConfigException("REDIS_URL", "Redis (" + deployment.kind().label() + ") cannot be reached ("
                    + e.getClass().getSimpleName() + ")");
        }
        RedisKeys keys = new RedisKeys(redis.prefix());
        long ttl = config.timing().nodeTtlMs();
        AutoCloseable engine = config.engine() == ServerConfig.EngineMode.ECHO
                ? EchoEngine.start(EngineClient.connect(deployment, keys.prefix(), redis.engineStreams(), ECHO_GROUP,
                        config.nodeId()))
                : null;
        return new BusWiring(
                new RedisEngineBus(connections, new EngineStreams(keys, redis.engineStreams()), redis.streamMaxLen(),
                        redis.waitReplicas()),
                new RedisSessionDirectory(connections, keys, config.nodeId(), ttl),
                RedisTopics.of(connections, keys),
                new RedisClusterBus(connections, keys, config.nodeId(), Math.max(250, ttl / 3)),
                engine, connections);
    }

    public EngineBus bus() {
        return bus;
    }

    public SessionDirectory directory() {
        return directory;
    }

    public Topics topics() {
        return topics;
    }

    public ClusterBus cluster() {
        return cluster;
    }

    /** Called each time the node is back on Redis after an outage (never for the in-memory backplane). */
    public void onReconnect(Runnable listener) {
        if (connections instanceof RedisConnections redis) {
            redis.onReconnect(listener);
        }
    }

    /**
     * Called with each sharded channel (a participant's, a topic's, a node's) subscribed again after a gap: a
     * failover, a slot moved to another master, a reconnect. What was published there meanwhile was lost.
     */
    public void onResubscribed(java.util.function.Consumer<String> listener) {
        if (connections instanceof RedisConnections redis) {
            redis.onResubscribed(listener);
        }
    }

    @Override
    public void close() {
        closeQuietly(engine);
        cluster.close();
        topics.close();
        directory.close();
        bus.close();
        closeQuietly(connections);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Shutting down: nothing more to do about it.
        }
    }
}
