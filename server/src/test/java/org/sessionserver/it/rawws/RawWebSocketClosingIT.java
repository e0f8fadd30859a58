package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;

/**
 * How raw WebSocket connections end (DESIGN.md "Raw WebSocket endpoint"): frames over the endpoint limit (1009, also
 * fragmented), protocol violations (1002, 1007), binary frames (1003), server shutdown (1001), and the heartbeat:
 * WebSocket ping frames every {@code PING_INTERVAL_MS}, 4408 "ping timeout" when no pong comes within
 * {@code PING_TIMEOUT_MS}.
 *
 * <p>Servers: one with the defaults; one with {@code PING_INTERVAL_MS=300, PING_TIMEOUT_MS=300}; one per shutdown.
 */
class RawWebSocketClosingIT {
    private static final long PING_INTERVAL_MS = 300;
    private static final long PING_TIMEOUT_MS = 300;
    /** The endpoint's frame limit with the default MAX_MESSAGE_SIZE: max(1_000_000, 2 * 65536 + 1024). */
    private static final int ENDPOINT_LIMIT = 1_000_000;

    private static TestServer server;
    private static TestServer pingServer;

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", "raw-it-closing");
        pingServer = TestServer.start("NODE_ID", "raw-it-ping", "PING_INTERVAL_MS", String.valueOf(PING_INTERVAL_MS),
                "PING_TIMEOUT_MS", String.valueOf(PING_TIMEOUT_MS));
    }

    @AfterAll
    static void stop() {
        if (pingServer != null) {
            pingServer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A connection authenticated by query token, after its hello_ack ({@link RawWebSocketIT} checks that frame). */
    private static RawWsClient connected(TestServer target, String participant) {
        RawWsClient client = RawWsClient.open(target, "?token=" + participant);
        client.awaitType("hello_ack");
        return client;
    }

    // ---- close codes ----

    @Test
    void frameOverTheEndpointLimitClosesWith1009() throws Exception {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/ws?token=big-frame")) {
            assertEquals("hello_ack", TestServer.json(ws.read(TestServer.WAIT).text()).get("type").asText());
            int size = 1_100_000;
            assertTrue(size > ENDPOINT_LIMIT);
            ws.sendHeaderOnly(HandWebSocket.firstByte(true, 0, HandWebSocket.TEXT), size);
            Thread writer = new Thread(() -> {
                byte[] chunk = "x".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int sent = 0; sent < size; sent += chunk.length) {
                        ws.sendRaw(sent + chunk.length <= size ? chunk : java.util.Arrays.copyOf(chunk, size - sent));
                    }
                } catch (IOException expected) {
                    // the server stops reading once it has refused the frame
                }
            }, "oversize-writer");
            writer.setDaemon(true);
            writer.start();
            HandWebSocket.Frame close = ws.read(TestServer.WAIT);
            assertNotNull(close, "connection dropped without a close frame");
            assertEquals(HandWebSocket.CLOSE, close.opcode(), close.toString());
            assertEquals(1009, close.closeCode(), close.toString());
            assertTrue(ws.endsWithin(TestServer.WAIT), "TCP connection not closed");
            writer.join(TestServer.WAIT.toMillis());
        }
    }

    @Test
    void wholeFrameOver1MbGets1009() {
        try (RawWsClient client = connected(server, "big-frame-whole")) {
            client.send("{\"type\":\"ping\",\"payload\":\"" + "x".repeat(1_100_000) + "\"}");
            assertEquals(1009, client.awaitClose());
        }
    }

    @Test
    void fragmentedMessageOverTheEndpointLimitClosesWith1009() throws Exception {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/ws?token=big-fragments")) {
            assertEquals("hello_ack", TestServer.json(ws.read(TestServer.WAIT).text()).get("type").asText());
            byte[] half = "y".repeat(600_000).getBytes(StandardCharsets.US_ASCII);
            ws.send(HandWebSocket.TEXT, false, half);
            try {
                ws.send(HandWebSocket.CONTINUATION, true, half);
            } catch (IOException dropped) {
                // the server may close before the second fragment is out
            }
            HandWebSocket.Frame close = ws.read(TestServer.WAIT);
            assertNotNull(close, "connection dropped without a close frame");
            assertEquals(HandWebSocket.CLOSE, close.opcode(), close.toString());
            assertEquals(1009, close.closeCode(), close.toString());
        }
    }

    /**
     * Frame-level violations caught by Netty's decoder / UTF-8 validator must close with their RFC 6455 code
     * (RawWebSocketHandler's Javadoc: 1002, 1007, 1009), not drop the TCP connection without a close frame.
     */
    @Test
    void unmaskedClientFrameClosesWith1002() throws Exception {
        assertViolationClosesWith(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}, 1002);
    }

    @Test
    void invalidUtf8TextClosesWith1007() throws Exception {
        assertViolationClosesWith(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, (byte) 0xC3, 0x28}, 1007);
    }

    private static void assertViolationClosesWith(byte[] frame, int code) throws Exception {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/ws?token=violation")) {
            assertEquals("hello_ack", TestServer.json(ws.read(TestServer.WAIT).text()).get("type").asText());
            ws.sendRaw(frame);
            HandWebSocket.Frame close = ws.read(TestServer.WAIT);
            assertNotNull(close, "TCP connection dropped without a close frame (expected " + code + ")");
            assertEquals(HandWebSocket.CLOSE, close.opcode(), close.toString());
            assertEquals(code, close.closeCode(), close.toString());
        }
    }

    @Test
    void binaryFrameClosesWith1003() {
        try (RawWsClient client = connected(server, "binary")) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertEquals(1003, client.awaitClose());
        }
    }

    @Test
    void serverShutdownClosesRawClientsWith1001() throws Exception {
        TestServer doomed = TestServer.start("NODE_ID", "raw-it-shutdown");
        try (RawWsClient client = connected(doomed, "shutdown-recorded");
             HandWebSocket hand = HandWebSocket.open(doomed.port(), "/ws?token=shutdown-hand")) {
            assertEquals("hello_ack", TestServer.json(hand.read(TestServer.WAIT).text()).get("type").asText());
            doomed.close();
            assertEquals(1001, client.awaitClose());
            HandWebSocket.Frame close = hand.read(TestServer.WAIT);
            assertNotNull(close, "dropped without a close frame");
            assertEquals(HandWebSocket.CLOSE, close.opcode(), close.toString());
            assertEquals(1001, close.closeCode(), close.toString());
            assertTrue(hand.endsWithin(TestServer.WAIT), "TCP connection not closed");
        } finally {
            doomed.close();
        }
    }

    // ---- WebSocket ping frames ----

    @Test
    void pingFramesArriveAndAnAnsweringClientStaysConnected() {
        try (RawWsClient client = connected(pingServer, "heartbeat-ok")) {
            long start = System.nanoTime();
            Await.until(() -> System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(1_600),
                    Duration.ofSeconds(3), () -> "time");
            assertTrue(client.pings() >= 3, "pings in 1.6 s at a 300 ms interval: " + client.pings());
            client.assertStillWorks("after-heartbeats");
        }
    }

    @Test
    void clientThatNeverAnswersPingsIsClosed() throws Exception {
        try (HandWebSocket ws = HandWebSocket.open(pingServer.port(), "/ws?token=heartbeat-mute")) {
            long connected = System.nanoTime();
            assertEquals("hello_ack", TestServer.json(ws.read(TestServer.WAIT).text()).get("type").asText());
            HandWebSocket.Frame ping = ws.read(TestServer.WAIT);
            assertNotNull(ping, "dropped before any ping");
            assertEquals(HandWebSocket.PING, ping.opcode(), ping.toString());
            long pingAfterMs = TimeUnit.NANOSECONDS.toMillis(ping.receivedAt() - connected);
            assertTrue(pingAfterMs >= PING_INTERVAL_MS - 50 && pingAfterMs < PING_INTERVAL_MS + 500,
                    "first ping after " + pingAfterMs + " ms");
            // never answer: the next thing is the close
            HandWebSocket.Frame close = ws.read(TestServer.WAIT);
            assertNotNull(close, "dropped without a close frame");
            assertEquals(HandWebSocket.CLOSE, close.opcode(), close.toString());
            assertEquals(4408, close.closeCode(), close.toString());
            long closeAfterPingMs = TimeUnit.NANOSECONDS.toMillis(close.receivedAt() - ping.receivedAt());
            assertTrue(closeAfterPingMs >= PING_TIMEOUT_MS - 50 && closeAfterPingMs < PING_TIMEOUT_MS + 500,
                    "closed " + closeAfterPingMs + " ms after the ping");
            assertTrue(ws.endsWithin(TestServer.WAIT), "TCP connection not closed");
        }
    }
}
