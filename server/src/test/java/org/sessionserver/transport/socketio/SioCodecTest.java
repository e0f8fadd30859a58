package org.sessionserver.transport.socketio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sessionserver.transport.engineio.EncodedText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SioCodecTest {
    @Test
    void decodesEventWithNamespaceAndAckId() throws Exception {
        SioPacket packet = SioCodec.decode("2/chat,12[\"msg\",1]").packet();
        assertEquals(SioPacketType.EVENT, packet.type());
        assertEquals("/chat", packet.nsp());
        assertEquals(12, packet.ackId());
        assertEquals("[\"msg\",1]", packet.data().toString());
    }

    @Test
    void namespaceWithoutTrailingCommaIsAccepted() throws Exception {
        SioPacket packet = SioCodec.decode("0/custom").packet();
        assertEquals("/custom", packet.nsp());
        assertNull(packet.data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "7", "2{}", "2abc[\"x\"]", "2[]", "2[\"connect\"]", "2[{}]", "0[1]",
            "1{}", "3{}", "5[\"x\"]", "5-[\"x\"]", "5x-[\"x\"]", "2[\"x\"] trailing", "4[1]"})
    void refusesWhatSocketIoParserRefuses(String text) {
        assertThrows(SioProtocolException.class, () -> SioCodec.decode(text));
    }

    @Test
    void encodesBinaryAsPlaceholdersAndAttachments() {
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add("message-back")
                .add(BinaryNode.valueOf(new byte[] {1, 2, 3}))
                .add(JsonNodeFactory.instance.objectNode().set("b", BinaryNode.valueOf(new byte[] {4})));
        List<Object> messages = SioCodec.encode(new SioPacket(SioPacketType.EVENT, "/", SioPacket.NO_ACK, data));
        assertEquals("52-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"b\":{\"_placeholder\":true,\"num\":1}}]",
                messages.get(0));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) messages.get(1));
        assertArrayEquals(new byte[] {4}, (byte[]) messages.get(2));
    }

    @Test
    void encodesAckInNamespace() {
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add(1);
        assertEquals(List.of("3/custom,7[1]"),
                SioCodec.encode(new SioPacket(SioPacketType.ACK, "/custom", 7, data)));
    }

    @Test
    void reassemblesBinaryEventFromItsAttachments() throws Exception {
        SioPacketAssembler assembler = new SioPacketAssembler(1000);
        assertNull(assembler.onText("51-[\"up\",{\"_placeholder\":true,\"num\":0}]"));
        SioPacket packet = assembler.onBinary(new byte[] {9, 8});
        assertTrue(packet.data().get(1).isBinary());
        assertArrayEquals(new byte[] {9, 8}, packet.data().get(1).binaryValue());
    }

    @Test
    void binaryWithoutAnnouncedPacketIsAProtocolError() {
        SioPacketAssembler assembler = new SioPacketAssembler(1000);
        assertThrows(SioProtocolException.class, () -> assembler.onBinary(new byte[] {1}));
    }

    @Test
    void placeholderOutOfRangeIsAProtocolError() throws Exception {
        SioPacketAssembler assembler = new SioPacketAssembler(1000);
        assembler.onText("51-[\"up\",{\"_placeholder\":true,\"num\":3}]");
        assertThrows(SioProtocolException.class, () -> assembler.onBinary(new byte[] {1}));
    }

    @Test
    void preparedEventCarriesRawJsonVerbatim() {
        String raw = "{ \"event\" : {\"id\":\"e1\"}, \"to\":[{\"participantId\":\"p\"}] }";
        PreparedPacket packet = PreparedPacket.eventWithRawJson("/", "message", raw);
        EncodedText text = (EncodedText) packet.enginePackets().get(0);
        assertEquals(1, packet.enginePackets().size());
        assertEquals("42[\"message\"," + raw + "]", text.packet());
        assertArrayEquals(text.packet().getBytes(StandardCharsets.UTF_8), text.utf8());
    }
}
