package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.bus.testing.Wait;

/** The node-to-node channel over Redis: addressing, no echo to the sender, and gaps reported from sequences. */
abstract class RedisClusterBusSuite {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofMillis(300);
    /** Long enough that only the first heartbeat of each bus (sent at start) is on the channel during a test. */
    private static final long HEARTBEAT_MS = 60_000;
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private RedisKeys keys;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** One node: its bus and everything it received that is not a heartbeat. */
    private final class Node {
        final String id;
        final RedisClusterBus bus;
        final List<ClusterPacket> received = new CopyOnWriteArrayList<>();
        final List<Long> missed = new CopyOnWriteArrayList<>();

        Node(String id) {
            this.id = id;
            RedisConnections connections = redis.connect();
            this.bus = new RedisClusterBus(connections, keys, id, HEARTBEAT_MS);
            opened.add(connections);
            opened.add(0, bus);
            for (ClusterPacket.Type type : ClusterPacket.Type.values()) {
                if (type != ClusterPacket.Type.HEARTBEAT) {
                    bus.onPacket(type, received::add);
                }
            }
            bus.onMissed(missed::add);
        }
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        opened.clear();
    }

    private List<Node> nodes(String... ids) {
        keys = new RedisKeys(RawRedis.newPrefix());
        List<Node> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(new Node(id));
        }
        Wait.until(WAIT, () -> redis.subscribers(keys.cluster()) == ids.length, "every node subscribed");
        return nodes;
    }

    private static ObjectNode body(String tag) {
        return BusJson.MAPPER.createObjectNode().put("tag", tag);
    }

    private static List<String> tags(Node node) {
        return node.received.stream().map(packet -> packet.body().path("tag").asText()).toList();
    }

    @Test
    void aPacketForOneNodeReachesOnlyThatNode() {
        List<Node> nodes = nodes("a", "b", "c");
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        a.bus.publish(ClusterPacket.Type.REQUEST, "b", body("for-b"));
        Wait.until(WAIT, () -> b.received.size() == 1, "b received its packet");
        ClusterPacket packet = b.received.get(0);
        assertEquals(ClusterPacket.Type.REQUEST, packet.type());
        assertEquals("a", packet.from());
        assertEquals("b", packet.to());
        assertEquals(body("for-b"), packet.body());
        Wait.settle(SETTLE);
        assertEquals(List.of("for-b"), tags(b));
        assertEquals(List.of(), tags(a));
        assertEquals(List.of(), tags(c));
    }

    @Test
    void aBroadcastReachesEveryOtherNodeButNotItsSender() {
        List<Node> nodes = nodes("a", "b", "c");
        Node a = nodes.get(0);
        for (int i = 0; i < 5; i++) {
            a.bus.publish(ClusterPacket.Type.REPLY, null, body("all-" + i));
        }
        List<String> expected = List.of("all-0", "all-1", "all-2", "all-3", "all-4");
        Wait.until(WAIT, () -> tags(nodes.get(1)).size() == 5 && tags(nodes.get(2)).size() == 5, "both received");
        Wait.settle(SETTLE);
        assertEquals(expected, tags(nodes.get(1)));
        assertEquals(expected, tags(nodes.get(2)));
        assertEquals(List.of(), tags(a));
        assertEquals(List.of(), a.missed);
        assertEquals(List.of(), nodes.get(1).missed, "nothing was lost between live nodes");
    }

    @Test
    void aGapInAPeersSequenceIsReportedToOnMissed() {
        Node b = nodes("b").get(0);
        // Packets of a node "x" as they would arrive if b had missed some of them (seq 2-4 and 7 never come).
        for (long seq : new long[] {1, 5, 6, 8, 8, 3}) {
            String json = new ClusterPacket(ClusterPacket.Type.REQUEST, "x", 1_000, seq, seq == 6 ? "elsewhere" : null,
                    body("seq-" + seq)).toJson();
            redis.sync().publish(keys.cluster(), json);
        }
        Wait.until(WAIT, () -> b.received.size() >= 3 && tags(b).contains("seq-8"), () -> "received " + tags(b));
        Wait.settle(SETTLE);
        assertEquals(List.of(3L, 1L), b.missed, "3 missed before seq 5, 1 before seq 8; nothing for the duplicate");
        // The packet for another node still counted in the sequence, but was not handed over.
        assertEquals(List.of("seq-1", "seq-5", "seq-8"), tags(b).subList(0, 3));
        assertTrue(!tags(b).contains("seq-6"));
    }

    @Test
    void aRestartedPeerIsANewSequenceNotAGap() {
        Node b = nodes("b").get(0);
        redis.sync().publish(keys.cluster(),
                new ClusterPacket(ClusterPacket.Type.HEARTBEAT, "x", 1, 900, null, body("old")).toJson());
        redis.sync().publish(keys.cluster(),
                new ClusterPacket(ClusterPacket.Type.REQUEST, "x", 2, 1, null, body("new")).toJson());
        Wait.until(WAIT, () -> b.received.size() == 1, "received the new epoch's packet");
        assertEquals(List.of(), b.missed);
    }

    @Test
    void malformedPacketsAreDroppedAndTheChannelGoesOn() {
        List<Node> nodes = nodes("a", "b");
        redis.sync().publish(keys.cluster(), "not a packet");
        redis.sync().publish(keys.cluster(), "{\"type\":\"gossip\"}");
        nodes.get(0).bus.publish(ClusterPacket.Type.REQUEST, "b", body("after"));
        Wait.until(WAIT, () -> nodes.get(1).received.size() == 1, "b received the packet after the bad ones");
        assertEquals(List.of("after"), tags(nodes.get(1)));
        assertTrue(nodes.get(1).missed.isEmpty());
    }
}
