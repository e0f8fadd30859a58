package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.WsRecorder;

/** Socket.IO v5 CONNECT and DISCONNECT, byte for byte, over a raw WebSocket. */
class SocketIoConnectIT {
    private static FixtureTarget target;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
    }

    @Test
    void connectToMainNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("40");
            SioWire.assertConnectReply(ws.nextText(), "");
            ws.expectText("42[\"auth\",{}]");
        }
    }

    @Test
    void connectToMainNamespaceWithPayload() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "", "{\"token\":\"123\"}", "{\"token\":\"123\"}");
        }
    }

    @Test
    void connectPayloadIsPassedOnAsJsonNotAsText() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "", "{\"n\":1,\"b\":true,\"nested\":{\"list\":[1,\"two\",null]}}",
                    "{\"n\":1,\"b\":true,\"nested\":{\"list\":[1,\"two\",null]}}");
        }
    }

    @Test
    void connectToCustomNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "/custom,", "", "{}");
        }
    }

    @Test
    void connectToCustomNamespaceWithPayload() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            SioWire.connect(ws, "/custom,", "{\"token\":\"abc\"}", "{\"token\":\"abc\"}");
        }
    }

    @Test
    void eachNamespaceGetsItsOwnSid() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            String main = SioWire.connect(ws, "", "", "{}");
            String custom = SioWire.connect(ws, "/custom,", "", "{}");
            assertNotEquals(main, custom);
        }
    }

    @Test
    void unknownNamespaceIsRefusedWithInvalidNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("40/random");
            ws.expectText("44/random,{\"message\":\"Invalid namespace\"}");
            // the engine session survives a refused namespace
            SioWire.connect(ws, "", "", "{}");
        }
    }

    @Test
    void unknownNamespaceWithTrailingCommaAndPayload() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("40/random,{\"token\":\"x\"}");
            ws.expectText("44/random,{\"message\":\"Invalid namespace\"}");
        }
    }

    @Test
    void invalidHandshakePacketClosesTheConnection() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("4abc");
            ws.awaitEnd(Duration.ofSeconds(2));
            assertTrue(ws.unread().isEmpty(), "nothing answers 4abc: " + ws.unread());
        }
    }

    @Test
    void noConnectWithinConnectTimeoutClosesTheConnection() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            WsRecorder.Ended end = ws.awaitEnd(Duration.ofSeconds(3));
            long millis = ws.millisOpenUntil(end);
            // pings are answered, so it is connectTimeout (1000 ms) that ends it, not the heartbeat
            assertTrue(millis >= 900 && millis <= 2500, "closed after " + millis + " ms, connectTimeout is 1000");
        }
    }

    @Test
    void disconnectFromMainNamespaceKeepsTheEngineSession() {
        try (WsRecorder ws = SioWire.openEngine(target, false)) {
            SioWire.connect(ws, "", "", "{}");
            ws.sendText("41");
            assertEquals("2", ws.nextText(Duration.ofSeconds(2)), "nothing but the next ping after 41");
            ws.sendText("3");
            // and the same engine session can connect again
            SioWire.connect(ws, "", "", "{}");
        }
    }

    @Test
    void connectThenDisconnectCustomNamespaceThenMainStillWorks() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            SioWire.connect(ws, "/custom,", "", "{}");
            ws.sendText("41/custom,");
            ws.sendText("42[\"message\",\"message to main namespace\"]");
            ws.expectText("42[\"message-back\",\"message to main namespace\"]");
        }
    }

    @Test
    void customNamespaceWithoutTrailingCommaOnDisconnect() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("40/custom");
            SioWire.assertConnectReply(ws.nextText(), "/custom,");
            ws.expectText("42/custom,[\"auth\",{}]");
            ws.sendText("41/custom");
            ws.sendText("42[\"message\",\"main\"]");
            ws.expectText("42[\"message-back\",\"main\"]");
        }
    }
}
