package org.sessionserver.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.RawHttp;
import org.sessionserver.it.support.TestServer;

/** {@link WireFuzzSuite} on the HTTP routes: complete requests, and truncated or lying ones. */
class HttpFuzzIT extends WireFuzzSuite {
    @Override
    String fuzz(Random random, long seed) throws IOException {
        if (random.nextInt(16) < 11) {
            httpCase(random, seed);
            return "http";
        }
        truncatedHttpCase(random, seed);
        return "http-truncated";
    }

    /**
     * Found by the fuzz: a malformed percent-escape in the path or query ({@code %zz}, a lone {@code %}) makes
     * Netty's QueryStringDecoder throw; the router lets the exception out and the connection is closed without an
     * answer. Each of these must get a 4xx JSON answer instead.
     */
    @Test
    void badPercentEscapesGetA400() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String target : List.of("/%zz", "/%", "/socket.io/?EIO=%zz&transport=polling",
                "/socket.io/?EIO=4&transport=polling&sid=%", "/participants/%zz/request", "/ws?token=%")) {
            String method = target.startsWith("/participants") ? "POST" : "GET";
            String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ENGINE_KEY
                    + "\r\nContent-Length: 15\r\n\r\n{\"event\":\"ask\"}";
            RawHttp.Response response = RawHttp.exchange(server.port(), request.getBytes(StandardCharsets.UTF_8), false,
                    ANSWER);
            if (!response.isResponse() || response.status() < 400 || response.status() >= 500) {
                problems.add(method + " " + target + ": " + response);
            }
        }
        assertTrue(problems.isEmpty(), "not answered with a 4xx: " + problems);
    }

    /**
     * Found by the fuzz: {@code Upgrade: websocket} without a {@code Sec-WebSocket-Key}, or with one but without a
     * {@code Sec-WebSocket-Version} (Netty's hixie-76 handshaker) or without {@code Connection: Upgrade},
     * makes the handshaker throw synchronously from {@code handshake()}; the exception reaches the router, which
     * closes the connection without an answer. On {@code /socket.io/} the Engine.IO session was registered before the
     * handshake and is never removed: each such request leaks one session in EioServer's map, for good.
     */
    @Test
    void webSocketUpgradeWithoutKeyGetsA400AndLeavesNoEngineSession() throws Exception {
        int engineSessions = engineSessions();
        List<String> problems = new ArrayList<>();
        for (String target : List.of("/ws", "/ws?token=alice", "/socket.io/?EIO=4&transport=websocket")) {
            for (String extra : List.of("Connection: Upgrade\r\n", "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
                    "Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\n",
                    // a key, but no version (Netty then picks its hixie-76 handshaker), or no Connection: Upgrade
                    "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\n",
                    "Sec-WebSocket-Key: " + KEY + "\r\n",
                    "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n",
                    "Connection: keep-alive\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n")) {
                String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + extra + "\r\n";
                RawHttp.Response response = RawHttp.exchange(server.port(), request.getBytes(StandardCharsets.UTF_8),
                        false, ANSWER);
                if (!response.isResponse() || response.status() < 400 || response.status() >= 500) {
                    problems.add(target + " " + extra.trim() + ": " + response);
                }
            }
        }
        // Fewer is fine: polling sessions the fuzz closed wait a moment for a poll that raced their close, then go.
        int leaked = engineSessions() - engineSessions;
        assertTrue(problems.isEmpty() && leaked <= 0, "not answered with a 4xx: " + problems
                + "; Engine.IO sessions left in EioServer: " + leaked);
    }

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** How many Engine.IO sessions the server's EioServer holds (by reflection: a test-only look inside). */
    private static int engineSessions() throws ReflectiveOperationException {
        java.lang.reflect.Field serverField = TestServer.class.getDeclaredField("server");
        serverField.setAccessible(true);
        Object sessionServer = serverField.get(server);
        java.lang.reflect.Field engineField = sessionServer.getClass().getDeclaredField("engineIo");
        engineField.setAccessible(true);
        return ((org.sessionserver.transport.engineio.EioServer) engineField.get(sessionServer)).sessions().size();
    }

    // ---- HTTP routes

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH",
            "TRACE", "FOO", "get", "P0ST", "G\u00c9T", "", "CONNECT");
    private static final List<String> PATHS = List.of("/event", "/messages", "/participants/ghost/request",
            "/participants/%zz/request", "/participants/gh%C3%A9st/request", "/participants//request",
            "/participants/ghost%/request", "/participants/ghost/request?x=%zz", "/participants/ghost", "/connections",
            "/connections?all=1", "/health", "/metrics", "/socket.io/?EIO=4&transport=polling", "/socket.io/",
            "/socket.io/?EIO=4&transport=polling&sid=nope", "/ws", "/", "/%", "/%zz", "*", "http://x/health",
            "/health?%zz", "/event?%", "//event", "/event/", "/socket.io/?EIO=%zz", "/socket.io/?EIO=4&transport=polling&sid=%");
    private static final List<String> HEADERS = List.of("Authorization: Bearer " + ENGINE_KEY,
            "Authorization: Bearer " + ENGINE_KEY, "Authorization: Bearer fuzzer", "Authorization: Bearer ",
            "Authorization: Basic eDp5", "Authorization: bearer " + ENGINE_KEY + "x", "Authorization: Bearer \u00e9",
            "Content-Type: application/json", "Content-Type: text/plain", "Origin: http://evil.example",
            "Expect: 100-continue", "Expect: fuzz", "Connection: keep-alive", "Connection: close", "Connection: Upgrade",
            "Upgrade: websocket", "Upgrade: h2c", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 99", "X-Proxy-Message: true",
            "Access-Control-Request-Headers: x-fuzz", "Host: \u00ff\u00fe", "Content-Encoding: gzip", "Cookie: a=%zz",
            "Garbage", "Bad Header: x", ": empty name", "X-Long: " + "a".repeat(20_000), "X-Null: \u0000",
            "Accept: */*", "Content-Length: -1", "Content-Length: 99999999999999999999", "Content-Length: 1, 2");
    private static final List<String> BODIES = List.of(
            "{\"id\":\"evt_1\",\"type\":\"user.action\",\"source\":{\"id\":\"fuzzer\"},\"timestamp\":\"2025-10-28T22:45:00.000Z\",\"data\":{}}",
            "{\"event\":{\"id\":\"m\"},\"to\":[{\"participantId\":\"ghost\"}],\"data\":{\"x\":[1,2,{}]}}",
            "{\"to\":[{\"participantId\":\"ghost\",\"sessionId\":\"s\",\"nodeId\":\"fuzz-node\"}]}",
            "{\"event\":\"ask\",\"data\":{\"q\":1},\"timeoutMs\":50}", "{\"sessionId\":\"nope\",\"event\":\"ask\"}",
            "", "null", "[]", "{}", "\"text\"", "12", "{\"to\":null}", "{\"to\":[1,\"x\",null,{}]}",
            "{\"event\":\"ask\",\"timeoutMs\":-5}", "{\"event\":\"ask\",\"timeoutMs\":1e300}");

    private static String requestHead(Random random, boolean anyMethod) {
        String method = anyMethod ? pick(random, METHODS) : random.nextBoolean() ? "POST" : "GET";
        String path = pick(random, PATHS);
        if (random.nextInt(3) == 0) {
            path = Mutations.mutate(random, path);
        }
        String version = random.nextInt(15) == 0 ? pick(random, List.of("HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "", "FOO"))
                : "HTTP/1.1";
        String line = method + " " + path + " " + version;
        if (random.nextInt(15) == 0) {
            line = Mutations.mutate(random, line);
        }
        if (random.nextInt(40) == 0) {
            line = Mutations.randomString(random, random.nextInt(80));
        }
        StringBuilder head = new StringBuilder(line).append("\r\n");
        if (random.nextInt(10) != 0) {
            head.append("Host: 127.0.0.1\r\n");
        }
        int headers = random.nextInt(5);
        for (int i = 0; i < headers; i++) {
            String header = pick(random, HEADERS);
            head.append(random.nextInt(8) == 0 ? Mutations.mutate(random, header) : header).append("\r\n");
        }
        return head.toString();
    }

    private static byte[] body(Random random) {
        int kind = random.nextInt(40);
        if (kind == 0) {
            byte[] huge = new byte[1_100_000 + random.nextInt(100_000)]; // over the body limit: 413
            java.util.Arrays.fill(huge, (byte) '[');
            return huge;
        }
        if (kind < 4) {
            return Mutations.randomBytes(random, random.nextInt(300));
        }
        String body = pick(random, BODIES);
        return (kind < 12 ? body : Mutations.mutate(random, body)).getBytes(StandardCharsets.UTF_8);
    }

    /** A complete request (framed by an exact Content-Length): a well-formed answer, never a 5xx, never a hang. */
    private static void httpCase(Random random, long seed) throws IOException {
        String head = requestHead(random, true).replaceAll("(?im)^(content-length|transfer-encoding|expect):[^\r\n]*\r\n", "");
        byte[] body = random.nextInt(4) == 0 ? new byte[0] : body(random);
        boolean oversize = body.length > 1_000_000;
        byte[] request = concat((head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), body);
        boolean flipped = random.nextInt(10) == 0;
        if (flipped) {
            // Bit flips may break the framing (a Content-Length that now promises more): half-close, so that the
            // server sees the end; then an answer or a close, never a hang.
            request = Mutations.mutateBytes(random, request);
        }
        RawHttp.Response response = RawHttp.exchange(server.port(), request, flipped, ANSWER);
        if (flipped && response.status() == RawHttp.CLOSED) {
            count("http:flipped, closed");
            return;
        }
        String what = Mutations.show(head.length() > 200 ? head.substring(0, 200) : head) + " + " + body.length + "B";
        checkHttp(seed, what, response, oversize, head);
    }

    /** A request cut anywhere, or with a lying length, then half-closed: an answer or a close, never a hang. */
    private static void truncatedHttpCase(Random random, long seed) throws IOException {
        String head = requestHead(random, true);
        byte[] body = body(random);
        String framing = random.nextBoolean() ? "Content-Length: " + (body.length + random.nextInt(1000)) + "\r\n"
                : "Transfer-Encoding: chunked\r\n";
        byte[] chunked = random.nextBoolean() ? body
                : (Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n"
                + (random.nextBoolean() ? "0\r\n\r\n" : "zz\r\n")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = concat((head + framing + "\r\n").getBytes(StandardCharsets.UTF_8), chunked);
        request = java.util.Arrays.copyOf(request, random.nextInt(request.length + 1));
        RawHttp.Response response = RawHttp.exchange(server.port(), request, true, ANSWER);
        if (response.status() == RawHttp.TIMEOUT || response.status() == RawHttp.INVALID) {
            problem(seed, "truncated request " + Mutations.show(new String(request, 0, Math.min(200, request.length),
                    StandardCharsets.ISO_8859_1)) + ": " + response);
        } else if (response.isResponse() && response.status() >= 500 && response.status() != 504) {
            problem(seed, "truncated request answered " + response);
        }
        count("http-truncated:" + (response.isResponse() ? response.status() : "closed"));
    }

    private static void checkHttp(long seed, String what, RawHttp.Response response, boolean oversize, String head) {
        count("http:" + (response.isResponse() ? String.valueOf(response.status()) : response.problem().split(" ")[0]));
        if (!response.isResponse()) {
            if (oversize && response.status() == RawHttp.CLOSED) {
                return; // 413 written while we were still sending, then the reset ate it
            }
            problem(seed, what + ": " + response);
            return;
        }
        int status = response.status();
        boolean requestRoute = head.contains("/participants/");
        if (status >= 500 && !(status == 504 && requestRoute)) {
            problem(seed, what + ": " + response);
        }
        String type = response.header("content-type");
        if (type != null && type.startsWith("application/json") && response.body().length > 0) {
            try {
                JsonNode body = TestServer.JSON.readTree(response.body());
                if (status >= 400 && !(body.has("error") || body.has("code"))) {
                    problem(seed, what + ": an error without {error} or {code}: " + response);
                }
            } catch (IOException e) {
                problem(seed, what + ": JSON content type, body not JSON: " + response);
            }
        }
    }
}
