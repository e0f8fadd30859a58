package org.sessionserver.bus.redis;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.concurrent.atomic.AtomicInteger;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.TestRedis;

/**
 * A test's own view of the Redis deployment under test, apart from the code under test, and a fresh key prefix per
 * test so tests never see each other's keys or channels (the deployments of other kinds are shared by the JVM).
 */
final class RawRedis implements AutoCloseable {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final TestRedis deployment;
    /** The one server of a standalone deployment (it can be stopped and started again); null otherwise. */
    final RedisServerProcess server;
    private final boolean owned;

    private RawRedis(TestRedis deployment, boolean owned) {
        this.deployment = deployment;
        this.server = deployment instanceof StandaloneRedis standalone ? standalone.server() : null;
        this.owned = owned;
    }

    /** A standalone server of the test class's own. */
    static RawRedis start() {
        return new RawRedis(StandaloneRedis.start(), true);
    }

    /** The JVM's shared deployment of that kind (closing this view leaves it running). */
    static RawRedis shared(TestRedis.Kind kind) {
        return new RawRedis(TestRedis.shared(kind), false);
    }

    static String newPrefix() {
        return "t" + PREFIXES.incrementAndGet() + ":";
    }

    RedisClusterCommands<String, String> sync() {
        return deployment.commands();
    }

    /** The deployment, as a node reads it from {@code REDIS_URL} and {@code REDIS_CLUSTER}. */
    static RedisDeployment of(TestRedis redis) {
        return RedisDeployment.parse(redis.url(), redis.kind() == TestRedis.Kind.CLUSTER);
    }

    /** A node's connections to this deployment. */
    RedisConnections connect() {
        return RedisConnections.connect(of(deployment));
    }

    /** An engine on this deployment, reading one inbound stream. */
    EngineClient engine(String prefix, String group, String consumer) {
        return EngineClient.connect(of(deployment), prefix, 1, group, consumer);
    }

    /** Subscribers of {@code channel} right now (PUBSUB NUMSUB, over every server). */
    long subscribers(String channel) {
        return deployment.subscribers(channel);
    }

    @Override
    public void close() {
        if (owned) {
            deployment.close();
        }
    }
}
