package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link ShardedChannelsSuite} on a Redis Cluster, shared by the JVM. */
class ShardedChannelsClusterIT extends ShardedChannelsSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.shared(TestRedis.Kind.CLUSTER);
    }
}
