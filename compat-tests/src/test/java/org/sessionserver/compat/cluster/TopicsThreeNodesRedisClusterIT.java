package org.sessionserver.compat.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** The topics suite on three nodes over the JVM's Redis Cluster (the Redis restart test is {@link TopicsThreeNodesIT}'s). */
class TopicsThreeNodesRedisClusterIT extends TopicsSuite {
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.startShared(3, TestRedis.Kind.CLUSTER);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    int nodes() {
        return 3;
    }

    @Override
    int port(int node) {
        return cluster.port(node);
    }

    @Override
    String engineKey() {
        return Cluster.ENGINE_KEY;
    }
}
