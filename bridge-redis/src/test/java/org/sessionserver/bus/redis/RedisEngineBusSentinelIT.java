package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link RedisEngineBusSuite} on a Sentinel set (1 master, 1 replica, 3 sentinels), shared by the JVM. */
class RedisEngineBusSentinelIT extends RedisEngineBusSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.shared(TestRedis.Kind.SENTINEL);
    }
}
