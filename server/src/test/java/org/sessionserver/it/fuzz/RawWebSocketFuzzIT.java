package org.sessionserver.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;

/** {@link WireFuzzSuite} on the raw WebSocket endpoint {@code /ws}: frames of every kind. */
class RawWebSocketFuzzIT extends WireFuzzSuite {
    /**
     * Its cases wait for answers and for closing handshakes, so they are slow: 12 s give it about the 180 cases it had
     * when all surfaces shared one 12 s run (3 s gave 46).
     */
    @Override
    long seconds() {
        return Mutations.setting("seconds", 12);
    }

    @Override
    String fuzz(Random random, long seed) throws IOException {
        rawWebSocketCase(random, seed);
        return "raw-ws";
    }

    // ---- raw /ws

    private static final List<String> RAW_FRAMES = List.of(
            "{\"type\":\"hello\",\"request_id\":\"h1\",\"payload\":{\"token\":\"fuzzer\",\"proxy\":false,\"client_meta\":{}}}",
            "{\"type\":\"message\",\"request_id\":\"r1\",\"payload\":{\"id\":\"evt_1\",\"type\":\"user.action\",\"source\":{\"id\":\"fuzzer\"},\"timestamp\":\"2025-10-28T22:45:00.000Z\",\"data\":{}}}",
            "{\"type\":\"ping\",\"request_id\":\"p1\",\"payload\":[1,{\"a\":null}]}", "{\"type\":\"subscribe\"}",
            "not json", "[]", "{}", "null", "{\"type\":1}", "{\"type\":\"hello\",\"payload\":{\"token\":\"\"}}",
            "{\"type\":\"message\",\"request_id\":{\"deep\":[1,2]},\"payload\":7}");

    private static void rawWebSocketCase(Random random, long seed) throws IOException {
        boolean authed = random.nextBoolean();
        try (HandWebSocket ws = HandWebSocket.open(server.port(), authed ? "/ws?token=fuzzer" : "/ws")) {
            if (authed) {
                HandWebSocket.Frame ack = ws.read(ANSWER);
                if (ack == null || !ack.text().contains("\"hello_ack\"")) {
                    problem(seed, "raw hello_ack: " + ack);
                    return;
                }
            }
            int kind = random.nextInt(10);
            if (kind < 6) {
                String text = random.nextInt(8) == 0 ? Mutations.randomString(random, random.nextInt(100))
                        : Mutations.mutate(random, pick(random, RAW_FRAMES));
                if (random.nextInt(30) == 0) {
                    text = "{\"type\":\"ping\",\"payload\":\"" + "x".repeat(200_000 + random.nextInt(500_000)) + "\"}";
                }
                ws.sendText(text);
                checkRawAnswer(seed, ws, "text " + Mutations.show(text));
                return;
            }
            int expected;
            String what;
            if (kind == 6) {
                ws.send(HandWebSocket.BINARY, true, Mutations.randomBytes(random, random.nextInt(50)));
                expected = 1003;
                what = "binary frame";
            } else if (kind == 7) {
                byte[] bad = Mutations.mutateBytes(random, "{\"type\":\"ping\",\"x\":\"\u00e9\u00e9\u00e9\u00e9\"}"
                        .getBytes(StandardCharsets.UTF_8));
                if (isUtf8(bad)) {
                    bad = new byte[] {'"', (byte) 0xFF, '"'};
                }
                ws.send(HandWebSocket.TEXT, true, bad);
                expected = 1007;
                what = "invalid UTF-8";
            } else if (kind == 8) {
                ws.sendHeaderOnly(HandWebSocket.firstByte(true, 0, random.nextBoolean() ? HandWebSocket.TEXT : HandWebSocket.BINARY),
                        WS_LIMIT + 1 + random.nextInt(5_000_000));
                expected = 1009;
                what = "oversize frame";
            } else {
                what = frameViolation(random, ws);
                expected = what.equals("invalid UTF-8") ? 1007 : what.equals("oversize frame") ? 1009 : 1002;
            }
            List<HandWebSocket.Frame> frames = ws.drain(ANSWER);
            HandWebSocket.Frame close = frames.stream().filter(f -> f.opcode() == HandWebSocket.CLOSE).findFirst().orElse(null);
            count("raw-ws:close " + (close == null ? "none" : close.closeCode()));
            if (close == null || close.closeCode() != expected) {
                problem(seed, "raw /ws " + what + ": expected close " + expected + ", got " + frames);
            } else if (!frames.get(frames.size() - 1).isEnd()) {
                problem(seed, "raw /ws " + what + ": closed with " + expected + " but the TCP connection stays");
            }
        }
    }

    /** Any text frame gets an answer: a JSON frame of a server type, or a close 1008 after a failed hello. */
    private static void checkRawAnswer(long seed, HandWebSocket ws, String what) throws IOException {
        HandWebSocket.Frame frame = ws.read(ANSWER);
        if (frame == null || frame.isEnd()) {
            problem(seed, "raw /ws " + what + ": no answer (" + frame + ")");
            return;
        }
        if (frame.opcode() == HandWebSocket.CLOSE) {
            count("raw-ws:close " + frame.closeCode());
            if (frame.closeCode() != 1008 && frame.closeCode() != 1009) {
                problem(seed, "raw /ws " + what + ": closed with " + frame.closeCode());
            }
            return;
        }
        try {
            JsonNode json = TestServer.JSON.readTree(frame.text());
            String type = json.path("type").asText();
            count("raw-ws:" + type);
            if (!RAW_SERVER_TYPES.contains(type)) {
                problem(seed, "raw /ws " + what + ": answer of unknown type " + frame);
            }
        } catch (IOException e) {
            problem(seed, "raw /ws " + what + ": answer is not JSON " + frame);
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
