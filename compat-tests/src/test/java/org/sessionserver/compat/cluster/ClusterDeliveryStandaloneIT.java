package org.sessionserver.compat.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.TestRedis;

/** {@link ClusterDeliverySuite} on one redis-server of its own. */
class ClusterDeliveryStandaloneIT extends ClusterDeliverySuite {
    @BeforeAll
    static void startCluster() {
        cluster = Cluster.startShared(3, TestRedis.Kind.STANDALONE);
    }
}
