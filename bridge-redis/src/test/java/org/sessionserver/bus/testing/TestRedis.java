package org.sessionserver.bus.testing;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Map;

/**
 * A Redis deployment started by a test on free loopback ports (one server, a Sentinel set, a Cluster), with the
 * test's own view of it, apart from the code under test: commands routed like a node's, and pub/sub counts summed
 * over every server.
 */
public interface TestRedis extends AutoCloseable {
    /** The kinds the suites run on, by name. */
    enum Kind { STANDALONE, SENTINEL, CLUSTER }

    Kind kind();

    /** {@code REDIS_URL} of a node on this deployment ({@code REDIS_CLUSTER=true} too for {@link Kind#CLUSTER}). */
    String url();

    /** {@code REDIS_URL} (and {@code REDIS_CLUSTER}) of a node on this deployment. */
    Map<String, String> env();

    /** Commands as a node sends them (to the master; routed by slot in a cluster); reconnects after a failover. */
    RedisClusterCommands<String, String> commands();

    /**
     * Bytes Redis holds in its output buffers for pub/sub clients ({@code omem} of {@code CLIENT LIST TYPE pubsub}, on
     * the server the commands reach): what it keeps for subscribers that do not read.
     */
    default long pubSubOutputBytes() {
        long held = 0;
        for (String line : commands().clientList(io.lettuce.core.ClientListArgs.Builder.typePubsub()).split("\n")) {
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("omem=")) {
                    held += Long.parseLong(field.substring("omem=".length()));
                }
            }
        }
        return held;
    }

    /** Subscribers of a classic channel, over every server (PUBSUB NUMSUB). */
    long subscribers(String channel);

    /** Subscribers of a sharded channel, on the master that serves it (PUBSUB SHARDNUMSUB). */
    long shardSubscribers(String channel);

    /** CLIENT KILL TYPE pubsub on every server: the subscribers' connections drop (as in a network blip). */
    void killPubSubClients();

    @Override
    void close();

    /** A fresh deployment of that kind. */
    static TestRedis start(Kind kind) {
        return switch (kind) {
            case STANDALONE -> StandaloneRedis.start();
            case SENTINEL -> RedisSentinelSet.start();
            case CLUSTER -> RedisClusterSet.start();
        };
    }

    /**
     * One deployment of that kind for the whole test JVM (starting a cluster takes seconds), stopped when the JVM
     * exits; suites that share it keep apart by key prefix, and must not kill its servers.
     */
    static TestRedis shared(Kind kind) {
        return SharedRedis.of(kind);
    }
}
