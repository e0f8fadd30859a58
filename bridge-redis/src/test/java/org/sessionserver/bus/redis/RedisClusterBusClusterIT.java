package org.sessionserver.bus.redis;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link RedisClusterBusSuite} on a Redis Cluster (3 masters, 3 replicas), shared by the JVM. */
class RedisClusterBusClusterIT extends RedisClusterBusSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.shared(TestRedis.Kind.CLUSTER);
    }
}
