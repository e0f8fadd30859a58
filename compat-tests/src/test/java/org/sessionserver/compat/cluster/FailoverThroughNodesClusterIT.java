package org.sessionserver.compat.cluster;

import java.time.Duration;
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.TestRedis;

/** {@link FailoverThroughNodesSuite} on a Redis Cluster (3 masters, 2 replicas each, ENGINE_STREAMS=3): within 10 s. */
class FailoverThroughNodesClusterIT extends FailoverThroughNodesSuite {
    @Override
    TestRedis startRedis() {
        return RedisClusterSet.start(2);
    }

    @Override
    int streams() {
        return 3;
    }

    @Override
    void killMasterOf(TestRedis redis, String stream) {
        ((RedisClusterSet) redis).killMasterOf(stream);
    }

    @Override
    Duration budget() {
        return Duration.ofSeconds(10);
    }
}
