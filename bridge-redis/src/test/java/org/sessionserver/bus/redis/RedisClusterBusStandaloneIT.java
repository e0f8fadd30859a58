package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;

/** {@link RedisClusterBusSuite} on one redis-server of its own. */
class RedisClusterBusStandaloneIT extends RedisClusterBusSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }
}
