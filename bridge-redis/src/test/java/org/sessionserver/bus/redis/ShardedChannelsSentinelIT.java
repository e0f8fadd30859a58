package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link ShardedChannelsSuite} on a Sentinel set, shared by the JVM. */
class ShardedChannelsSentinelIT extends ShardedChannelsSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.shared(TestRedis.Kind.SENTINEL);
    }
}
