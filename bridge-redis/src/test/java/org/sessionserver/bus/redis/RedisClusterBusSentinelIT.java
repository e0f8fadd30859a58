package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link RedisClusterBusSuite} on a Sentinel set (1 master, 1 replica, 3 sentinels), shared by the JVM. */
class RedisClusterBusSentinelIT extends RedisClusterBusSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.shared(TestRedis.Kind.SENTINEL);
    }
}
