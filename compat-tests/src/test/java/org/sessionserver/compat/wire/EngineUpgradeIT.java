package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.compat.support.SioWire;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.WsRecorder;

/** Upgrade from long-polling to WebSocket: probe, noop to the pending poll, upgrade, then WebSocket only. */
class EngineUpgradeIT {
    private static FixtureTarget target;
    private static EioPolling eio;

    /** The fixture's ping interval plus its ping timeout: how long a session lives with nobody answering a ping. */
    private static final long UNANSWERED_PING_GRACE_MS = 300 + 200;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
        eio = new EioPolling(target.httpUrl());
    }

    /** Connects {@code /} over polling, then upgrades the way socket.io-client does; returns the upgraded socket. */
    private static WsRecorder connectThenUpgrade(String sid) {
        eio.push(sid, "40");
        List<String> packets = eio.pollPackets(sid, 2);
        SioWire.assertConnectReply(packets.get(0), "");
        assertEquals("42[\"auth\",{}]", packets.get(1));

        CompletableFuture<EioPolling.Response> pending = eio.pollAsync(sid);
        WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), true);
        ws.sendText("2probe");
        ws.expectText("3probe");
        EioPolling.Response released = EioPolling.await(pending);
        assertEquals(200, released.status());
        // a ping may have been due on the poll just before the probe; the noop is what releases the poll
        if (released.body().equals("2")) {
            eio.push(sid, "3");
            released = eio.poll(sid);
        }
        assertEquals("6", released.body(), "the pending poll is released with a noop");
        ws.sendText("5");
        return ws;
    }

    @Test
    void upgradeThenMessagesFlowOnTheWebSocket() {
        String sid = eio.handshake();
        try (WsRecorder ws = connectThenUpgrade(sid)) {
            ws.sendText("42[\"message\",\"over websocket\"]");
            ws.expectText("42[\"message-back\",\"over websocket\"]");
            ws.sendText("42[\"message\",1,{\"a\":[null]}]");
            ws.expectText("42[\"message-back\",1,{\"a\":[null]}]");
        }
    }

    /**
     * A client may probe as soon as the WebSocket is open (python-engineio does), while the server is still moving
     * that WebSocket onto its session's event loop: the probe is answered every time. Many sessions, so that both
     * cases (same loop, other loop) and the timings vary.
     */
    @Test
    void probeSentAtOnceIsAnsweredEveryTime() {
        for (int i = 0; i < 100; i++) {
            String sid = eio.handshake();
            try (WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), false)) {
                ws.sendText("2probe");
                ws.expectText("3probe");
            }
        }
    }

    /**
     * The public suite's sequence. Until the client's first poll nobody answers the fixture's pings (every 300 ms,
     * 200 ms to answer), so the server rightly gives the session up when the handshake, the WebSocket's opening and
     * the probe take more than 500 ms, as they can on a loaded 2-core machine: then, and only then, it is tried again.
     */
    @Test
    void upgradeWithoutSocketIoConnectionAsInThePublicSuite() {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                upgradeWithoutSocketIoConnection();
                return;
            } catch (AssertionError | RuntimeException e) {
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (attempt == 3 || tookMs < UNANSWERED_PING_GRACE_MS) {
                    throw e;
                }
            }
        }
    }

    private void upgradeWithoutSocketIoConnection() {
        String sid = eio.handshake();
        try (WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), false)) {
            ws.sendText("2probe");
            ws.expectText("3probe");
            EioPolling.Response poll = eio.poll(sid);
            assertEquals(200, poll.status());
            if (poll.body().equals("2")) { // a ping was due (the fixture pings every 300 ms): answer it, poll again
                eio.push(sid, "3");
                poll = eio.poll(sid);
            }
            assertEquals("6", poll.body());
            ws.sendText("5");
            ws.sendText("40");
            SioWire.assertConnectReply(nextNotPing(ws), "");
            assertEquals("42[\"auth\",{}]", nextNotPing(ws));
        }
    }

    /** The next text frame that is not a ping; pings (every 300 ms from the fixture, so due any time) are answered. */
    private static String nextNotPing(WsRecorder ws) {
        String text = ws.nextText();
        while (text.equals("2")) {
            ws.sendText("3");
            text = ws.nextText();
        }
        return text;
    }

    @Test
    void pollingAfterUpgradeIsRefused() {
        String sid = eio.handshake();
        try (WsRecorder ws = connectThenUpgrade(sid)) {
            ws.sendText("42[\"message\",\"barrier\"]");
            ws.expectText("42[\"message-back\",\"barrier\"]");
            EioPolling.Response poll = eio.poll(sid);
            assertEquals(400, poll.status(), "poll after upgrade; body " + poll.body());
            assertTrue(poll.json().has("code") && poll.json().has("message"), poll.body());
            EioPolling.Response post = eio.post("EIO=4&transport=polling&sid=" + sid, "42[\"message\",\"x\"]");
            assertEquals(400, post.status(), "post after upgrade; body " + post.body());
            // the WebSocket is unharmed, and nothing the refused POST carried was delivered
            ws.sendText("42[\"message\",\"still\"]");
            ws.expectText("42[\"message-back\",\"still\"]");
        }
    }

    /**
     * The public Engine.IO suite's "ignores HTTP requests with same sid after upgrade": the client sends {@code 2probe}
     * and {@code 5} on the WebSocket, then polls. The poll's connection may be read before the WebSocket's frames
     * (the WebSocket is still moving onto its session's loop): it must be refused all the same. Many sessions, so
     * that both orders occur.
     */
    @Test
    void pollSentAfterTheUpgradeIsRefusedWhicheverConnectionIsReadFirst() {
        for (int i = 0; i < 30; i++) {
            String sid = eio.handshake();
            try (WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), true)) {
                ws.sendText("2probe");
                ws.sendText("5");
                EioPolling.Response poll = eio.poll(sid);
                assertEquals(400, poll.status(), "session " + i + ": poll after 5; body " + poll.body());
                ws.expectText("3probe");
                ws.sendText("40");
                SioWire.assertConnectReply(ws.nextText(), "");
            }
        }
    }

    /**
     * The public Engine.IO suite's "ignores WebSocket connection with same sid after upgrade": a second WebSocket for
     * the sid, opened right after the first sent {@code 2probe} and {@code 5}, is closed and the first one upgrades.
     * The upgrade belongs to the WebSocket whose request was read first, even if the second reaches the session's event
     * loop first; that order is rare here (the suite's own pattern, in Node, lost the first once in 150 runs before the
     * claim was made at the request), so this guards the behaviour rather than reproducing the race every time.
     */
    @Test
    void firstWebSocketOpenedTakesTheUpgrade() {
        for (int i = 0; i < 30; i++) {
            String sid = eio.handshake();
            try (WsRecorder first = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), true)) {
                first.sendText("2probe");
                first.sendText("5");
                try (WsRecorder second = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid),
                        true)) {
                    second.awaitEnd(Duration.ofSeconds(3));
                }
                first.expectText("3probe");
                first.sendText("40");
                SioWire.assertConnectReply(first.nextText(), "");
            }
        }
    }

    @Test
    void secondWebSocketWithTheSameSidIsRefusedAndTheFirstKeepsWorking() throws Exception {
        String sid = eio.handshake();
        try (WsRecorder ws = connectThenUpgrade(sid)) {
            ws.sendText("42[\"message\",\"barrier\"]");
            ws.expectText("42[\"message-back\",\"barrier\"]");
            assertRefused(SioWire.openAsync(target, "EIO=4&transport=websocket&sid=" + sid));
            ws.sendText("42[\"message\",\"first still works\"]");
            ws.expectText("42[\"message-back\",\"first still works\"]");
            assertTrue(!ws.isEnded(), "the first WebSocket was closed");
        }
    }

    @Test
    void secondProbeWhileUpgradingIsRefused() throws Exception {
        String sid = eio.handshake();
        try (WsRecorder first = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket&sid=" + sid), false)) {
            first.sendText("2probe");
            first.expectText("3probe");
            assertRefused(SioWire.openAsync(target, "EIO=4&transport=websocket&sid=" + sid));
            first.sendText("5");
            first.sendText("40");
            SioWire.assertConnectReply(first.nextText(), "");
        }
    }

    @Test
    void websocketSessionCannotBeUsedOverPolling() {
        try (WsRecorder ws = WsRecorder.open(SioWire.wsUri(target, "EIO=4&transport=websocket"), true)) {
            String sid = EioPolling.json(ws.expectOpenPacket()).get("sid").asText();
            EioPolling.Response poll = eio.poll(sid);
            assertEquals(400, poll.status(), "body " + poll.body());
            ws.sendText("40");
            SioWire.assertConnectReply(ws.nextText(), "");
        }
    }

    private static void assertRefused(CompletableFuture<WsRecorder> second) throws Exception {
        WsRecorder ws;
        try {
            ws = second.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.io.IOException) { // HandWebSocket.UpgradeRefused is one
                return; // refused at the upgrade
            }
            throw e;
        }
        try (ws) {
            ws.awaitEnd(Duration.ofSeconds(2));
            if (!ws.unread().isEmpty()) {
                fail("the refused WebSocket carried " + ws.unread());
            }
        }
    }
}
