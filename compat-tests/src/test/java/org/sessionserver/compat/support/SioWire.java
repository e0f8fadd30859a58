package org.sessionserver.compat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.WsRecorder;

/** Socket.IO v5 over a recorded WebSocket, by hand: the shared steps of the wire tests. */
public final class SioWire {
    private SioWire() {
    }

    public static URI wsUri(FixtureTarget target, String query) {
        return URI.create(target.wsUrl() + EioPolling.PATH + "?" + query);
    }

    /** A fresh Engine.IO session over WebSocket, the open packet already read. */
    public static WsRecorder openEngine(FixtureTarget target, boolean autoPong) {
        WsRecorder ws = WsRecorder.open(wsUri(target, "EIO=4&transport=websocket"), autoPong);
        ws.expectOpenPacket();
        return ws;
    }

    public static CompletableFuture<WsRecorder> openAsync(FixtureTarget target, String query) {
        return WsRecorder.openAsync(wsUri(target, query), false);
    }

    /**
     * Sends {@code 40<nspPrefix><payload>} and checks the CONNECT reply {@code 40<nspPrefix>{"sid":"..."}} (the only
     * key), then the fixture's {@code auth} event; returns the Socket.IO sid.
     */
    public static String connect(WsRecorder ws, String nspPrefix, String payload, String expectedAuthJson) {
        ws.sendText("40" + nspPrefix + payload);
        String reply = ws.nextText();
        String sid = assertConnectReply(reply, nspPrefix);
        ws.expectText("42" + nspPrefix + "[\"auth\"," + expectedAuthJson + "]");
        return sid;
    }

    /** Asserts {@code 40<nspPrefix>{"sid":"<string>"}} exactly and returns the sid. */
    public static String assertConnectReply(String reply, String nspPrefix) {
        String prefix = "40" + nspPrefix;
        assertTrue(reply.startsWith(prefix + "{"), "CONNECT reply: " + reply);
        JsonNode handshake = EioPolling.json(reply.substring(prefix.length()));
        assertEquals(List.of("sid"), EioPolling.fieldNames(handshake), "CONNECT reply keys: " + reply);
        assertTrue(handshake.get("sid").isTextual() && !handshake.get("sid").asText().isEmpty(), reply);
        return handshake.get("sid").asText();
    }

    /** An Engine.IO session over WebSocket with the main namespace connected; pings answered by the recorder. */
    public static WsRecorder connectedMain(FixtureTarget target) {
        WsRecorder ws = openEngine(target, true);
        connect(ws, "", "", "{}");
        return ws;
    }
}
