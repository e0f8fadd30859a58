package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;

/** {@link ShardedChannelsSuite} on one redis-server of its own. */
class ShardedChannelsStandaloneIT extends ShardedChannelsSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }
}
