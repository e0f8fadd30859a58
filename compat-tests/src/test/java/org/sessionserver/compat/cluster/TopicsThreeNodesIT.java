package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * The topics suite on three nodes over one Redis (persisting every write); then what only a cluster has: membership
 * that outlives a node's restart and a Redis restart (kill -9, then the same data back from its append-only file),
 * for connections opened afterwards and for those that stayed open across the outage.
 */
class TopicsThreeNodesIT extends TopicsSuite {
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.startPersistent(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    int nodes() {
        return 3;
    }

    @Override
    int port(int node) {
        return cluster.port(node);
    }

    @Override
    String engineKey() {
        return Cluster.ENGINE_KEY;
    }

    @Test
    void membershipOutlivesARestartOfTheNodeItWasMadeOn() {
        String topic = id("room");
        String participant = id("member");
        join(3, topic, participant);
        cluster.restart(3);
        ClusterClient phone = sio(3, participant);
        RawAgent agent = raw(1, participant);
        publish(3, toTopic(topic, "after-node-restart"));
        awaitReceived(() -> phone.received("data", "tag"), List.of("after-node-restart"), "restarted node");
        awaitReceived(() -> agent.received("tag"), List.of("after-node-restart"), "other node");
    }

    @Test
    void membershipOutlivesARedisRestartWithPersistence() {
        String topic = id("room");
        String stayed = id("stayed");
        String later = id("later");
        ClusterClient open = sio(2, stayed);
        join(1, topic, stayed, later);
        cluster.redis.stop();
        cluster.redis.startAgain();
        for (int node = 1; node <= 3; node++) {
            int port = cluster.port(node);
            Wait.until(WAIT, () -> Cluster.get(port, "/health", null).body().contains("\"redis\":\"up\""),
                    "node back on Redis");
        }
        // A node back on Redis re-reads its participants' topics; a connection opened now reads them at once.
        Wait.until(WAIT, () -> Cluster.connectionsOrNull(cluster.port(1)) != null
                && Cluster.connectionsOrNull(cluster.port(1)).containsKey(open.sessionId()), "directory rewritten");
        ClusterClient fresh = sio(3, later);
        publish(1, toTopic(topic, "after-redis-restart"));
        awaitReceived(() -> open.received("data", "tag"), List.of("after-redis-restart"), "open across the outage");
        awaitReceived(() -> fresh.received("data", "tag"), List.of("after-redis-restart"), "connected after it");
        assertEquals(2, Cluster.json(engine(2, "GET", "/topics/" + topic, null)).path("members").size());
    }
}
