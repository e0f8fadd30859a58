package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.WsRecorder;

/** Socket.IO v5 EVENT, ACK and their binary forms, byte for byte, over a raw WebSocket. */
class SocketIoMessageIT {
    private static final String TWO_PLACEHOLDERS = "{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}";
    private static FixtureTarget target;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
    }

    @Test
    void plainTextEvent() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"message\",1,\"2\",{\"3\":[true]}]");
            ws.expectText("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
        }
    }

    @Test
    void eventArgumentsKeepTheirJsonExactly() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"message\",null,false,-1.5,\"\",[],{},\"\\\"quoted\\\" \\u00e9\"]");
            ws.expectText("42[\"message-back\",null,false,-1.5,\"\",[],{},\"\\\"quoted\\\" \u00e9\"]");
        }
    }

    @Test
    void eventOnCustomNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "/custom,", "", "{}");
            ws.sendText("42/custom,[\"message\",\"x\"]");
            ws.expectText("42/custom,[\"message-back\",\"x\"]");
        }
    }

    @Test
    void binaryAttachmentsComeBackAsTheSameRawFrames() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("452-[\"message\"," + TWO_PLACEHOLDERS + "]");
            ws.sendBinary(new byte[] {1, 2, 3});
            ws.sendBinary(new byte[] {4, 5, 6});
            ws.expectText("452-[\"message-back\"," + TWO_PLACEHOLDERS + "]");
            // exactly the bytes: no Engine.IO type byte in front (netty-socketio adds 0x04)
            assertArrayEquals(new byte[] {1, 2, 3}, ws.nextBinary());
            assertArrayEquals(new byte[] {4, 5, 6}, ws.nextBinary());
        }
    }

    @Test
    void binaryAttachmentWithEveryByteValueAndAnEmptyOne() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("452-[\"message\",{\"k\":{\"_placeholder\":true,\"num\":0}},[{\"_placeholder\":true,\"num\":1}]]");
            ws.sendBinary(all);
            ws.sendBinary(new byte[0]);
            ws.expectText("452-[\"message-back\",{\"k\":{\"_placeholder\":true,\"num\":0}},"
                    + "[{\"_placeholder\":true,\"num\":1}]]");
            assertArrayEquals(all, ws.nextBinary());
            assertArrayEquals(new byte[0], ws.nextBinary());
        }
    }

    @Test
    void binaryEventOnCustomNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "/custom,", "", "{}");
            ws.sendText("451-/custom,[\"message\",{\"_placeholder\":true,\"num\":0}]");
            ws.sendBinary(new byte[] {9});
            ws.expectText("451-/custom,[\"message-back\",{\"_placeholder\":true,\"num\":0}]");
            assertArrayEquals(new byte[] {9}, ws.nextBinary());
        }
    }

    @Test
    void eventWithAck() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
            ws.expectText("43456[1,\"2\",{\"3\":[false]}]");
        }
    }

    @Test
    void eventWithAckOnCustomNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "/custom,", "", "{}");
            ws.sendText("42/custom,0[\"message-with-ack\",\"a\"]");
            ws.expectText("43/custom,0[\"a\"]");
        }
    }

    @Test
    void binaryEventWithAck() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("452-789[\"message-with-ack\"," + TWO_PLACEHOLDERS + "]");
            ws.sendBinary(new byte[] {1, 2, 3});
            ws.sendBinary(new byte[] {4, 5, 6});
            ws.expectText("462-789[" + TWO_PLACEHOLDERS + "]");
            assertArrayEquals(new byte[] {1, 2, 3}, ws.nextBinary());
            assertArrayEquals(new byte[] {4, 5, 6}, ws.nextBinary());
        }
    }

    @Test
    void unknownPacketTypeClosesTheConnection() {
        assertCloses("4abc");
    }

    @Test
    void invalidPayloadClosesTheConnection() {
        assertCloses("42{}");
    }

    @Test
    void invalidAckIdClosesTheConnection() {
        assertCloses("42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
    }

    @Test
    void invalidJsonClosesTheConnection() {
        assertCloses("42[\"message\",");
    }

    @Test
    void oversizedWebSocketFrameClosesTheConnectionAndTheServerLivesOn() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"message\",\"" + "x".repeat(1_000_001) + "\"]");
            ws.awaitEnd(Duration.ofSeconds(3));
        }
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"message\",\"after\"]");
            ws.expectText("42[\"message-back\",\"after\"]");
        }
    }

    private static void assertCloses(String packet) {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText(packet);
            ws.awaitEnd(Duration.ofSeconds(2));
            assertTrue(ws.unread().isEmpty(), "nothing answers " + packet + ": " + ws.unread());
        }
    }
}
