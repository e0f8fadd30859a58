package org.sessionserver.bus.redis;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.TestRedis;

/**
 * {@link FailoverSuite} on a Redis Cluster of its own, with three inbound streams ({@code ENGINE_STREAMS=3}); the
 * master of the first one is killed: acknowledgements back within 10 s of the kill.
 */
class ClusterFailoverIT extends FailoverSuite {
    private static RedisClusterSet cluster;

    @BeforeAll
    static void start() {
        cluster = RedisClusterSet.start(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Override
    TestRedis redis() {
        return cluster;
    }

    @Override
    int streams() {
        return 3;
    }

    @Override
    RedisServerProcess masterOf(String stream) {
        return cluster.masterOf(stream);
    }

    @Override
    List<RedisServerProcess> replicasOf(RedisServerProcess master) {
        return cluster.replicasOf(master);
    }

    @Override
    void restart(RedisServerProcess killed) {
        killed.startAgain(); // its nodes.conf makes it rejoin, as a replica of its successor
        cluster.awaitOk();
    }

    @Override
    Duration budget() {
        return Duration.ofSeconds(10);
    }
}
