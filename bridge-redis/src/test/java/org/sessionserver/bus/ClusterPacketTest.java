package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The node-to-node packet's JSON form, both ways. */
class ClusterPacketTest {
    private static ObjectNode body() {
        ObjectNode body = BusJson.MAPPER.createObjectNode().put("id", "req-1").put("timeoutMs", 300);
        body.putObject("data").put("text", "é \"q\"").putArray("n").add(1).addNull();
        return body;
    }

    @ParameterizedTest
    @EnumSource(ClusterPacket.Type.class)
    void roundTripToOneNode(ClusterPacket.Type type) {
        ClusterPacket packet = new ClusterPacket(type, "node-a", 1_730_000_000_000L, 42, "node-b", body());
        assertEquals(packet, ClusterPacket.fromJson(packet.toJson()));
    }

    @ParameterizedTest
    @EnumSource(ClusterPacket.Type.class)
    void roundTripToEveryNode(ClusterPacket.Type type) {
        ClusterPacket packet = new ClusterPacket(type, "node-a", 7, Long.MAX_VALUE, null,
                BusJson.MAPPER.createObjectNode());
        ClusterPacket back = ClusterPacket.fromJson(packet.toJson());
        assertEquals(packet, back);
        assertEquals(null, back.to());
    }

    @Test
    void wireFormNamesTheTypeInLowerCaseAndOmitsAMissingTarget() throws Exception {
        JsonNode wire = BusJson.MAPPER.readTree(
                new ClusterPacket(ClusterPacket.Type.HEARTBEAT, "n1", 3, 9, null, body()).toJson());
        assertEquals("heartbeat", wire.get("type").textValue());
        assertEquals("n1", wire.get("from").textValue());
        assertEquals(3, wire.get("epoch").longValue());
        assertEquals(9, wire.get("seq").longValue());
        assertFalse(wire.has("to"));
        assertEquals(body(), wire.get("body"));
    }

    @Test
    void readsAPacketWrittenByHand() {
        ClusterPacket packet = ClusterPacket.fromJson(
                "{\"type\":\"reply\",\"from\":\"x\",\"epoch\":1,\"seq\":2,\"to\":\"y\",\"body\":{\"id\":\"r\",\"ok\":true}}");
        assertEquals(ClusterPacket.Type.REPLY, packet.type());
        assertEquals("y", packet.to());
        assertEquals("r", packet.body().get("id").textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"type\":\"gossip\",\"from\":\"x\",\"epoch\":1,\"seq\":1}", "{}"})
    void malformedPacketsAreRefused(String json) {
        assertThrows(IllegalArgumentException.class, () -> ClusterPacket.fromJson(json));
    }
}
