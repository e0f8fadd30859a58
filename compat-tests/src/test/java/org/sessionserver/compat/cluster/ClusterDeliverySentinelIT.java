package org.sessionserver.compat.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link ClusterDeliverySuite} on the JVM's Sentinel set. */
class ClusterDeliverySentinelIT extends ClusterDeliverySuite {
    @BeforeAll
    static void startCluster() {
        cluster = Cluster.startShared(3, TestRedis.Kind.SENTINEL);
    }
}
