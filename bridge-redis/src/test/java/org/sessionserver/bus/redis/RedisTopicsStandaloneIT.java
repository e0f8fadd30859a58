package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;

/** {@link RedisTopicsSuite} on one redis-server of its own. */
class RedisTopicsStandaloneIT extends RedisTopicsSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }
}
