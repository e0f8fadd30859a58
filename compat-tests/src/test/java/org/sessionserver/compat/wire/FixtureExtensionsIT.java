package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.WsRecorder;

/**
 * The fixture's extensions for our compat tests (also in the Node reference fixture): a refused CONNECT, an ack
 * asked of the client, and a server-side disconnect.
 */
class FixtureExtensionsIT {
    private static final Pattern ACK_REQUEST = Pattern.compile("42(\\d+)\\[\"client-ack-request\",(.*)\\]");
    private static FixtureTarget target;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
    }

    @Test
    void refusedConnectCarriesMessageAndDataAndLaterEventsAreIgnored() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("40{\"reject\":true}");
            ws.expectText("44{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}");
            // An event for the refused namespace must reach no listener. socket.io closes the whole connection on a
            // packet for a namespace that is not connected; if it stays open, connecting /custom is the barrier.
            ws.sendText("42[\"message\",\"should be dropped\"]");
            ws.sendText("40/custom,");
            List<String> seen = new ArrayList<>();
            String frame;
            while ((frame = ws.nextTextOrEnd(Duration.ofSeconds(3))) != null && !frame.startsWith("40/custom,")) {
                seen.add(frame);
            }
            assertTrue(seen.isEmpty(), "answers to an event on a refused namespace: " + seen);
            if (frame != null) {
                ws.expectText("42/custom,[\"auth\",{}]");
            }
        }
    }

    @Test
    void refusedConnectOnCustomNamespace() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("40/custom,{\"reject\":true}");
            ws.expectText("44/custom,{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}");
            // the engine session survives, and the client may retry
            SioWire.connect(ws, "", "{\"token\":\"ok\"}", "{\"token\":\"ok\"}");
        }
    }

    @Test
    void refusedConnectOverPolling() {
        EioPolling eio = new EioPolling(target.httpUrl());
        String sid = eio.handshake();
        eio.push(sid, "40{\"reject\":true}");
        assertEquals(List.of("44{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}"),
                eio.pollPackets(sid, 1));
    }

    @Test
    void serverAsksTheClientForAnAck() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"request-client-ack\",\"a\",1,{\"b\":[true]}]");
            String request = ws.nextText();
            Matcher m = ACK_REQUEST.matcher(request);
            assertTrue(m.matches(), "expected 42<id>[\"client-ack-request\",...], got " + request);
            assertEquals("\"a\",1,{\"b\":[true]}", m.group(2));
            ws.sendText("43" + m.group(1) + "[\"r\",2]");
            ws.expectText("42[\"client-ack-result\",\"r\",2]");
        }
    }

    @Test
    void serverAckIdsAreDistinct() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"request-client-ack\",1]");
            ws.sendText("42[\"request-client-ack\",2]");
            Matcher first = ACK_REQUEST.matcher(ws.nextText());
            Matcher second = ACK_REQUEST.matcher(ws.nextText());
            assertTrue(first.matches() && second.matches());
            assertFalse(first.group(1).equals(second.group(1)), "two pending acks share an id");
            // answer in reverse order: each result follows its own ack
            ws.sendText("43" + second.group(1) + "[\"second\"]");
            ws.expectText("42[\"client-ack-result\",\"second\"]");
            ws.sendText("43" + first.group(1) + "[\"first\"]");
            ws.expectText("42[\"client-ack-result\",\"first\"]");
        }
    }

    @Test
    void binaryAckFromTheClient() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"request-client-ack\"]");
            Matcher m = Pattern.compile("42(\\d+)\\[\"client-ack-request\"\\]").matcher(ws.nextText());
            assertTrue(m.matches());
            ws.sendText("461-" + m.group(1) + "[{\"_placeholder\":true,\"num\":0}]");
            ws.sendBinary(new byte[] {(byte) 0xff, 0, 1});
            ws.expectText("451-[\"client-ack-result\",{\"_placeholder\":true,\"num\":0}]");
            assertArrayEquals(new byte[] {(byte) 0xff, 0, 1}, ws.nextBinary());
        }
    }

    @Test
    void disconnectMeIsAnsweredWithDisconnectPacket() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            ws.sendText("42[\"disconnect-me\"]");
            ws.expectText("41");
        }
    }

    @Test
    void disconnectMeOnCustomNamespaceLeavesMainConnected() {
        try (WsRecorder ws = SioWire.connectedMain(target)) {
            SioWire.connect(ws, "/custom,", "", "{}");
            ws.sendText("42/custom,[\"disconnect-me\"]");
            ws.expectText("41/custom,");
            ws.sendText("42[\"message\",\"main\"]");
            ws.expectText("42[\"message-back\",\"main\"]");
        }
    }
}
