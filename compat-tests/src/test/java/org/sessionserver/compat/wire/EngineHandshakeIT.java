package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.WsRecorder;

/** The Engine.IO v4 handshake on both transports, and the HTTP 400 errors of a bad one. */
class EngineHandshakeIT {
    private static final List<String> OPEN_KEYS = List.of("maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades");
    private static FixtureTarget target;
    private static EioPolling eio;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
        eio = new EioPolling(target.httpUrl());
    }

    @Test
    void pollingHandshakeOpensSessionWithExactlyTheV4Keys() {
        EioPolling.Response response = eio.get("EIO=4&transport=polling");
        assertEquals(200, response.status());
        assertTrue(response.body().startsWith("0{"), response.body());
        JsonNode open = EioPolling.json(response.body().substring(1));
        assertOpenPacket(open, List.of("websocket"));
    }

    @Test
    void websocketHandshakeOpensSessionWithNoUpgrades() {
        try (WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket"), false)) {
            assertOpenPacket(EioPolling.json(ws.expectOpenPacket()), List.of());
        }
    }

    @Test
    void eachHandshakeGetsItsOwnSid() {
        assertFalse(eio.handshake().equals(eio.handshake()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"transport=polling", "EIO=abc&transport=polling", "EIO=3&transport=polling",
            "EIO=5&transport=polling"})
    void missingOrUnsupportedEioIs400(String query) {
        eio.get(query).assertError(400, 5, "Unsupported protocol version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EIO=4", "EIO=4&transport=abc", "EIO=4&transport="})
    void missingOrUnknownTransportIs400(String query) {
        eio.get(query).assertError(400, 0, "Transport unknown");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT"})
    void handshakeWithAnotherMethodThanGetIs400(String method) {
        eio.send(method, "EIO=4&transport=polling", method.equals("POST") ? "40" : null, Map.of())
                .assertError(400, 2, "Bad handshake method");
    }

    @Test
    void postWithoutSidOpensNoSession() {
        eio.post("EIO=4&transport=polling", "40").assertError(400, 2, "Bad handshake method");
    }

    @Test
    void unknownSidIs400OnGetAndPost() {
        eio.poll("not-a-session").assertError(400, 1, "Session ID unknown");
        eio.post("EIO=4&transport=polling&sid=not-a-session", "40").assertError(400, 1, "Session ID unknown");
    }

    @Test
    void errorsAreJson() {
        String type = eio.get("EIO=4&transport=abc").header("Content-Type");
        assertTrue(type != null && type.toLowerCase().startsWith("application/json"), "Content-Type " + type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"transport=websocket", "EIO=abc&transport=websocket", "EIO=3&transport=websocket",
            "EIO=4", "EIO=4&transport=abc", "EIO=4&transport=websocket&sid=not-a-session"})
    void websocketWithBadQueryIsRefused(String query) throws Exception {
        assertWebSocketRefused(query);
    }

    /**
     * Refused: the upgrade is answered with an HTTP error, or (what socket.io's suite accepts) the socket is closed
     * before it carries any Engine.IO packet.
     */
    static void assertWebSocketRefused(String query) throws Exception {
        WsRecorder ws;
        try {
            ws = SioWire.openAsync(target, query).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HandWebSocket.UpgradeRefused refused) {
                int status = refused.status();
                assertTrue(status >= 400 && status < 500, "refused with " + status);
                return;
            }
            if (e.getCause() instanceof java.io.IOException) {
                return; // connection closed during the upgrade
            }
            throw e;
        }
        try (ws) {
            WsRecorder.Ended end = ws.awaitEnd(Duration.ofSeconds(2));
            List<WsRecorder.Frame> frames = ws.unread();
            if (!frames.isEmpty()) {
                fail("a refused WebSocket carried " + frames + " before " + end);
            }
        }
    }

    private static void assertOpenPacket(JsonNode open, List<String> upgrades) {
        assertEquals(OPEN_KEYS, EioPolling.fieldNames(open), "open packet keys: " + open);
        assertTrue(open.get("sid").isTextual() && !open.get("sid").asText().isEmpty(), "sid " + open);
        assertEquals(upgrades.size(), open.get("upgrades").size(), "upgrades " + open);
        for (int i = 0; i < upgrades.size(); i++) {
            assertEquals(upgrades.get(i), open.get("upgrades").get(i).asText());
        }
        assertTrue(open.get("upgrades").isArray());
        assertTrue(open.get("pingInterval").isInt());
        assertEquals(300, open.get("pingInterval").asInt());
        assertEquals(200, open.get("pingTimeout").asInt());
        assertTrue(open.get("maxPayload").isIntegralNumber());
        assertEquals(1_000_000, open.get("maxPayload").asInt());
    }
}
