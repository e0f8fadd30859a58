package org.sessionserver.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.HandWebSocket;

/** {@link WireFuzzSuite} on Engine.IO and Socket.IO over WebSocket: frames of every kind. */
class EngineWebSocketFuzzIT extends WireFuzzSuite {
    @Override
    String fuzz(Random random, long seed) throws IOException {
        engineWebSocketCase(random, seed);
        return "eio-ws";
    }

    /**
     * Found by the fuzz: a WebSocket frame-level violation (here an unmasked frame) right behind a Socket.IO CONNECT
     * on an Engine.IO WebSocket closes the TCP connection, but the Socket.IO session opened by that CONNECT stays
     * registered for ever (it counts in /health, /connections and against MAX_CONNECTIONS_PER_PARTICIPANT).
     */
    @Test
    void frameViolationRightAfterConnectLeavesNoSession() throws Exception {
        int before = health().get("connections").asInt();
        for (int i = 0; i < 20; i++) {
            try (HandWebSocket ws = HandWebSocket.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertTrue(ws.read(ANSWER).text().startsWith("0{"));
                ws.sendText("40{\"token\":\"violator\"}");
                ws.write(HandWebSocket.firstByte(true, 0, HandWebSocket.TEXT), "3".getBytes(StandardCharsets.UTF_8), false);
                List<HandWebSocket.Frame> frames = ws.drain(ANSWER);
                assertTrue(!frames.isEmpty() && frames.get(frames.size() - 1).isEnd(), "closed: " + frames);
            }
        }
        // At most as many as before: sessions the fuzz left (when it ran first) may go meanwhile.
        Await.until(() -> health().get("connections").asInt() <= before, Duration.ofSeconds(5),
                () -> "sessions of WebSockets closed for a protocol violation are still there: " + leftOver());
    }

    // ---- Engine.IO over WebSocket

    /** Frames that are not Engine.IO (or Socket.IO) at all: the connection must be closed. */
    private static final List<String> FATAL_TEXT = List.of("", "x", "7", "9", "{}", "\u00e9", "4x", "49", "47", "42",
            "40[]", "41{}", "43", "44", "4" + "2[\"connect\"]", "45", "451-", "4-", "4/", "40{\"token\":1}x");

    private static void engineWebSocketCase(Random random, long seed) throws IOException {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
            HandWebSocket.Frame open = ws.read(ANSWER);
            if (open == null || open.opcode() != HandWebSocket.TEXT || !open.text().startsWith("0{")) {
                problem(seed, "websocket open packet: " + open);
                return;
            }
            boolean connected = random.nextBoolean();
            if (connected) {
                ws.sendText("40{\"token\":\"fuzzer\"}");
            }
            int kind = random.nextInt(10);
            String what = "?";
            boolean mustClose = false;
            try {
            if (kind < 5) {
                int frames = 1 + random.nextInt(4);
                StringBuilder sent = new StringBuilder();
                for (int i = 0; i < frames; i++) {
                    String packet = enginePacket(random);
                    sent.append(Mutations.show(packet)).append(" | ");
                    ws.sendText(packet);
                }
                what = "text " + sent;
                mustClose = false;
            } else if (kind < 7) {
                String packet = pick(random, FATAL_TEXT);
                ws.sendText(packet);
                what = "text '" + Mutations.show(packet) + "'";
                mustClose = true;
            } else if (kind == 7) {
                byte[] data = Mutations.randomBytes(random, random.nextInt(100));
                ws.send(HandWebSocket.BINARY, true, data);
                what = "binary " + data.length + "B";
                mustClose = false; // a binary message outside a binary packet: closed by Socket.IO, if connected
            } else {
                what = frameViolation(random, ws);
                mustClose = true;
            }
            } catch (java.net.SocketException e) {
                count("eio-ws:closed while writing");
                return; // the server closed it after an earlier bad frame of this case
            }
            LAST_CASE.set("engine.io websocket" + (connected ? " connected, then " : ", then ") + what);
            List<HandWebSocket.Frame> frames = ws.drain(mustClose ? ANSWER : Duration.ofMillis(50));
            boolean closed = !frames.isEmpty() && frames.get(frames.size() - 1).isEnd();
            count("eio-ws:" + (closed ? "closed" : "open"));
            if (mustClose && !closed) {
                problem(seed, "engine.io websocket still open after " + what + "; got " + frames);
            }
        }
    }
}
