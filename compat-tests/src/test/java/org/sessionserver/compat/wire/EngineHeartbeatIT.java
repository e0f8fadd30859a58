package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.WsRecorder;

/**
 * The server pings every pingInterval (300 ms) and gives up pingTimeout (200 ms) after a ping with no pong; and a
 * close packet from the client ends the session.
 */
class EngineHeartbeatIT {
    private static final long PING_INTERVAL = 300;
    private static final long PING_TIMEOUT = 200;
    private static FixtureTarget target;
    private static EioPolling eio;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
        eio = new EioPolling(target.httpUrl());
    }

    @Test
    void pollingPingPongKeepsTheSessionAlive() {
        String sid = eio.handshake();
        eio.push(sid, "40");
        List<String> connected = eio.pollPackets(sid, 2);
        assertTrue(connected.get(0).startsWith("40{"), connected.toString());
        long last = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            EioPolling.Response poll = eio.poll(sid);
            assertEquals(200, poll.status());
            assertEquals("2", poll.body(), "round " + round);
            long now = System.nanoTime();
            assertInterval(last, now, round);
            last = now;
            eio.push(sid, "3");
        }
        eio.push(sid, "42[\"message\",\"still here\"]");
        assertEquals(List.of("42[\"message-back\",\"still here\"]"), eio.pollPackets(sid, 1));
    }

    @Test
    void websocketPingPongKeepsTheSessionAlive() {
        try (WsRecorder ws = SioWire.openEngine(target, false)) {
            ws.sendText("40");
            SioWire.assertConnectReply(ws.nextText(), "");
            ws.expectText("42[\"auth\",{}]");
            long last = System.nanoTime();
            for (int round = 0; round < 3; round++) {
                assertEquals("2", ws.nextText(Duration.ofSeconds(2)), "round " + round);
                long now = System.nanoTime();
                assertInterval(last, now, round);
                last = now;
                ws.sendText("3");
            }
            ws.sendText("42[\"message\",\"still here\"]");
            ws.expectText("42[\"message-back\",\"still here\"]");
        }
    }

    @Test
    void pollingSessionWithoutPongIsClosed() throws Exception {
        String sid = eio.handshake();
        eio.push(sid, "40");
        eio.pollPackets(sid, 2);
        // the protocol timing itself is under test: ping at ~300 ms, no pong, closed at ~500 ms
        Thread.sleep(PING_INTERVAL + PING_TIMEOUT + 200);
        eio.poll(sid).assertError(400, 1, "Session ID unknown");
    }

    @Test
    void websocketWithoutPongIsClosedAfterPingTimeout() {
        try (WsRecorder ws = SioWire.openEngine(target, false)) {
            ws.sendText("40");
            SioWire.assertConnectReply(ws.nextText(), "");
            ws.expectText("42[\"auth\",{}]");
            assertEquals("2", ws.nextText(Duration.ofSeconds(2)));
            WsRecorder.Ended end = ws.awaitEnd(Duration.ofSeconds(2));
            long openMillis = ws.millisOpenUntil(end);
            assertTrue(openMillis >= PING_INTERVAL + PING_TIMEOUT - 50, "closed after only " + openMillis + " ms");
            assertTrue(ws.unread().isEmpty(), "nothing after the ping: " + ws.unread());
        }
    }

    @Test
    void closePacketOnWebSocketEndsTheConnection() {
        try (WsRecorder ws = SioWire.openEngine(target, true)) {
            ws.sendText("1");
            ws.awaitEnd(Duration.ofSeconds(2));
            assertTrue(ws.unread().isEmpty(), "nothing answers a close packet: " + ws.unread());
        }
    }

    private static void assertInterval(long fromNanos, long toNanos, int round) {
        long millis = Duration.ofNanos(toNanos - fromNanos).toMillis();
        assertTrue(millis >= PING_INTERVAL - 100 && millis <= PING_INTERVAL + 700,
                "ping " + round + " came " + millis + " ms after the previous step, pingInterval is 300");
    }
}
