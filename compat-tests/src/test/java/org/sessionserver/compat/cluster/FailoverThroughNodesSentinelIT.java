package org.sessionserver.compat.cluster;

import java.time.Duration;
import org.sessionserver.bus.testing.RedisSentinelSet;
import org.sessionserver.bus.testing.TestRedis;

/** {@link FailoverThroughNodesSuite} on a Sentinel set (1 master, 2 replicas, 3 sentinels): within 15 s. */
class FailoverThroughNodesSentinelIT extends FailoverThroughNodesSuite {
    @Override
    TestRedis startRedis() {
        return RedisSentinelSet.start(2);
    }

    @Override
    int streams() {
        return 1;
    }

    @Override
    void killMasterOf(TestRedis redis, String stream) {
        ((RedisSentinelSet) redis).killMaster();
    }

    @Override
    Duration budget() {
        return Duration.ofSeconds(15);
    }
}
