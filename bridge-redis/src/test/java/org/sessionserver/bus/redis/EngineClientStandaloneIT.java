package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;

/** {@link EngineClientSuite} on one redis-server of its own. */
class EngineClientStandaloneIT extends EngineClientSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }
}
