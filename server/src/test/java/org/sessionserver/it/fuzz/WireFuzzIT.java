package org.sessionserver.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * Bad input on the wire against one in-process server: Engine.IO over WebSocket and long-polling, Socket.IO packets,
 * raw {@code /ws} frames, and the HTTP routes, with malformed, truncated, oversize and random input, from several
 * threads at once. Three canaries (Socket.IO over a hand WebSocket, socket.io-client-java over polling, a raw
 * {@code /ws} client) get an event acked and echoed before, during and after.
 *
 * <p>What must hold: every complete HTTP request gets a well-formed response, never a 5xx (504 only from
 * {@code /participants/{id}/request}); a polling POST is 200, or 400 with the session closed after it; a WebSocket
 * packet that is not Engine.IO / Socket.IO closes the connection; on {@code /ws} a binary frame closes with 1003, bad
 * UTF-8 with 1007, an oversize frame with 1009, a frame-level violation with 1002, and any text frame gets an answer
 * (or 1008 on a failed hello); no hang; nothing logged at ERROR, no exception at the end of a Netty pipeline; at
 * the end {@code /health} is ok with only the canaries' connections left.
 *
 * <p>Bounded in CI ({@value #DEFAULT_SECONDS} s of fuzzing); by hand {@code -Dfuzz.seconds=600}, a fresh run with
 * {@code -Dfuzz.seed=random}, one case replayed with {@code -Dfuzz.replay=<seed printed by a failure>}.
 */
class WireFuzzIT {
    static final long DEFAULT_SECONDS = 12;
    private static final long SECONDS = Mutations.setting("seconds", DEFAULT_SECONDS);
    private static final int WORKERS = (int) Mutations.setting("workers", 6);
    /** The workers stop early once this many problems are found (raise it for a long run over known bugs). */
    private static final long MAX_PROBLEMS = Mutations.setting("maxProblems", 500);
    private static final String ENGINE_KEY = "fuzz-engine-key-0123456789";
    private static final Duration ANSWER = Canary.ANSWER;
    private static final String RS = "\u001e";
    /** The /ws frame limit with the default MAX_MESSAGE_SIZE: max(1_000_000, 2 * 65536 + 1024). */
    private static final int WS_LIMIT = 1_000_000;
    private static final Set<String> RAW_SERVER_TYPES = Set.of("hello_ack", "message", "ack", "pong", "error");

    private static TestServer server;
    private static final LogCapture logs = new LogCapture();

    private static final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private static final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", "fuzz-node", "ENGINE_KEY", ENGINE_KEY);
        logs.attach();
    }

    @AfterAll
    static void stop() {
        logs.detach();
        if (server != null) {
            server.close();
        }
    }

    // ---- the test

    @Test
    void badInputNeitherCrashesNorDisturbsOthers() throws Exception {
        String replay = System.getProperty("fuzz.replay");
        try (Canary.SocketIo sioWs = new Canary.SocketIo(server.port());
             Canary.Raw raw = new Canary.Raw(server.port());
             SioClient polling = SioClient.to(server).token("canary-poll").polling().connect()) {
            Runnable canaries = new Runnable() {
                private int round;

                @Override
                public void run() {
                    round++;
                    sioWs.check(round);
                    raw.check(round);
                    checkPolling(polling, round);
                }
            };
            canaries.run();
            assertEquals(3, health().get("connections").asInt(), "canaries connected");

            long base = seed();
            AtomicLong cases = new AtomicLong();
            long started = System.nanoTime();
            if (replay != null) {
                runCase(Long.parseLong(replay.trim()));
                cases.incrementAndGet();
            } else if (Boolean.getBoolean("fuzz.sessionLeaks")) {
                // one case at a time, each followed by a look at the sessions: names the case that leaves one behind
                Random seeds = new Random(base);
                long deadline = started + TimeUnit.SECONDS.toNanos(SECONDS);
                int baseline = 3;
                while (System.nanoTime() < deadline && failures.size() < 20) {
                    long seed = seeds.nextLong();
                    runCase(seed);
                    cases.incrementAndGet();
                    int expected = baseline;
                    try {
                        Await.until(() -> health().get("connections").asInt() <= expected, Duration.ofSeconds(2),
                                () -> "");
                    } catch (AssertionError e) {
                        problem(seed, "left a session behind: " + leftOver() + " after " + LAST_CASE.get());
                        baseline = health().get("connections").asInt();
                    }
                }
            } else {
                long deadline = started + TimeUnit.SECONDS.toNanos(SECONDS);
                ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    Random seeds = new Random(base * 31 + w);
                    workers.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline && failures.size() < MAX_PROBLEMS) {
                            runCase(seeds.nextLong());
                            cases.incrementAndGet();
                        }
                        return null;
                    }));
                }
                while (!workers.stream().allMatch(Future::isDone)) {
                    canaries.run(); // others are not disturbed, while it goes on
                    Thread.sleep(1_000);
                }
                pool.shutdown();
                for (Future<?> worker : workers) {
                    worker.get(1, TimeUnit.MINUTES);
                }
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("wire fuzz: %d cases in %d ms (%d workers, seed %d), outcomes %s%n", cases.get(), tookMs,
                    WORKERS, base, new TreeMap<>(outcomes));

            canaries.run();
            JsonNode health = health();
            assertEquals("ok", health.get("status").asText(), health.toString());
            try {
                Await.until(() -> health().get("connections").asInt() == 3, Duration.ofSeconds(15),
                        () -> "only the 3 canaries connected after the fuzz: " + health());
            } catch (AssertionError e) {
                failures.add(e.getMessage() + "; left over by transport: " + leftOver());
            }
            canaries.run();
        }
        List<String> problems = new ArrayList<>(failures);
        problems.addAll(logs.problems());
        java.nio.file.Files.write(java.nio.file.Path.of("target", "wire-fuzz-problems-" + ProcessHandle.current().pid() + ".txt"), problems);
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s), first ones:\n  " + String.join("\n  ",
                    problems.subList(0, Math.min(25, problems.size()))));
        }
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
            try (WsConn ws = WsConn.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertTrue(ws.read(ANSWER).text().startsWith("0{"));
                ws.sendText("40{\"token\":\"violator\"}");
                ws.write(WsConn.firstByte(true, 0, WsConn.TEXT), "3".getBytes(StandardCharsets.UTF_8), false);
                List<WsConn.Frame> frames = ws.drain(ANSWER);
                assertTrue(!frames.isEmpty() && frames.get(frames.size() - 1).isEnd(), "closed: " + frames);
            }
        }
        Await.until(() -> health().get("connections").asInt() == before, Duration.ofSeconds(5),
                () -> "sessions of WebSockets closed for a protocol violation are still there: " + leftOver());
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
        int leaked = engineSessions() - engineSessions;
        assertTrue(problems.isEmpty() && leaked == 0, "not answered with a 4xx: " + problems
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

    private static long seed() {
        String value = System.getProperty("fuzz.seed");
        if ("random".equals(value)) {
            return System.nanoTime();
        }
        return value == null || value.isBlank() ? 0xF022_1E5L : Long.parseLong(value.trim());
    }

    private static JsonNode health() {
        HttpResponse<String> response = server.get("/health", null);
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }

    /** The sessions other than the canaries', counted by transport. */
    private static Map<String, Long> leftOver() {
        JsonNode list = TestServer.json(server.get("/connections", ENGINE_KEY)).path("connections");
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode session : list) {
            if (!session.path("participantId").asText().startsWith("canary-")) {
                counts.merge(session.path("participantId").asText() + "/" + session.path("transport").asText(), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static void checkPolling(SioClient client, int round) {
        String id = "canary-poll-" + round;
        JsonNode ack = client.send(Events.valid(id, "canary-poll"));
        assertTrue(ack.path("ok").asBoolean(false), "polling canary ack: " + ack);
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode message = client.awaitNode("message");
            if (id.equals(message.path("event").path("id").asText())) {
                return;
            }
        }
        fail("polling canary: no echo of " + id);
    }

    // ---- one case

    private static void runCase(long seed) {
        Random random = new Random(seed);
        int kind = random.nextInt(100);
        String category;
        try {
            if (kind < 22) {
                category = "http";
                httpCase(random, seed);
            } else if (kind < 32) {
                category = "http-truncated";
                truncatedHttpCase(random, seed);
            } else if (kind < 52) {
                category = "eio-ws";
                engineWebSocketCase(random, seed);
            } else if (kind < 72) {
                category = "eio-polling";
                pollingCase(random, seed);
            } else if (kind < 80) {
                category = "eio-query";
                queryCase(random, seed);
            } else {
                category = "raw-ws";
                rawWebSocketCase(random, seed);
            }
            count(category);
        } catch (Throwable e) {
            failures.add("seed " + seed + ": unexpected " + e);
        }
    }

    /** What the last case of this thread sent, for the session-leak report. */
    private static final ThreadLocal<String> LAST_CASE = new ThreadLocal<>();

    private static void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    private static void problem(long seed, String what) {
        failures.add("seed " + seed + " (replay: -Dfuzz.replay=" + seed + "): " + what);
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

    // ---- Engine.IO over long-polling

    private static final List<String> SIO_PACKETS = List.of("0", "0{\"token\":\"fuzzer\"}", "0/admin,{}", "1",
            "2[\"message\",{\"id\":\"e1\",\"type\":\"t\",\"source\":{\"id\":\"fuzzer\"},\"timestamp\":\"2025-10-28T22:45:00.000Z\"}]",
            "21[\"message\",{}]", "2[\"ping\"]", "3[]", "37[1]", "4{\"message\":\"x\"}",
            "51-[\"message\",{\"_placeholder\":true,\"num\":0}]", "61-3[{\"_placeholder\":true,\"num\":0}]");
    private static final List<String> EIO_PACKETS = List.of("3", "6", "2", "5", "1", "2probe", "0", "b", "bAQID");

    private static String enginePacket(Random random) {
        if (random.nextInt(4) == 0) {
            String packet = pick(random, EIO_PACKETS);
            return random.nextBoolean() ? packet : Mutations.mutate(random, packet);
        }
        String sio = pick(random, SIO_PACKETS);
        return "4" + (random.nextInt(4) == 0 ? sio : Mutations.mutate(random, sio));
    }

    private static String pollBase(String sid) {
        return "/socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid);
    }

    private static RawHttp.Response http(String method, String pathAndQuery, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] request = concat((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), bytes);
        return RawHttp.exchange(server.port(), request, false, ANSWER);
    }

    /** A POST of random packets: 200, or 400 and the session gone; bad methods: 400. */
    private static void pollingCase(Random random, long seed) throws IOException {
        RawHttp.Response open = http("GET", pollBase(null), "");
        if (open.status() != 200 || !open.text().startsWith("0{")) {
            problem(seed, "polling handshake: " + open);
            return;
        }
        String sid = TestServer.json(open.text().substring(1)).get("sid").asText();
        if (random.nextBoolean()) {
            RawHttp.Response connect = http("POST", pollBase(sid), "40{\"token\":\"fuzzer\"}");
            if (connect.status() != 200) {
                problem(seed, "polling connect: " + connect);
            }
        }
        if (random.nextInt(6) == 0) {
            String method = pick(random, List.of("PUT", "DELETE", "PATCH", "FOO", "HEAD"));
            RawHttp.Response bad = http(method, pollBase(sid), "");
            if (bad.status() != 400) {
                problem(seed, method + " on a polling session: " + bad);
            }
        }
        int packets = 1 + random.nextInt(4);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < packets; i++) {
            body.append(i == 0 ? "" : RS).append(enginePacket(random));
        }
        String payload = random.nextInt(20) == 0 ? Mutations.randomString(random, random.nextInt(200)) : body.toString();
        RawHttp.Response post = http("POST", pollBase(sid), payload);
        count("eio-polling:" + post.status());
        String what = "POST " + Mutations.show(payload);
        LAST_CASE.set("polling " + what);
        if (post.status() == 400) {
            RawHttp.Response after = http("GET", pollBase(sid), "");
            if (after.status() != 400) {
                problem(seed, what + " was refused but the session lives on: GET " + after);
            }
            return;
        }
        if (post.status() != 200 || !"ok".equals(post.text())) {
            problem(seed, what + ": " + post);
        }
        http("POST", pollBase(sid), "1"); // done: close (400 when the payload closed it already)
    }

    /** Random query strings on the Engine.IO path: 4xx (or a new session), never 5xx, never a hang. */
    private static void queryCase(Random random, long seed) throws IOException {
        StringBuilder query = new StringBuilder();
        List<String> names = List.of("EIO", "transport", "sid", "t", "b64", "j", "token", "%zz", "", "EIO");
        List<String> values = List.of("4", "3", "5", "", "polling", "websocket", "flashsocket", "nope", "%zz", "%",
                "4%00", "\u00e9", "4&EIO=3", "0", "-1", "99999999999999999999");
        int params = random.nextInt(5);
        for (int i = 0; i < params; i++) {
            query.append(i == 0 ? "" : "&").append(pick(random, names)).append('=').append(pick(random, values));
        }
        String target = "/socket.io/?" + (random.nextInt(5) == 0 ? Mutations.mutate(random, query.toString()) : query);
        target = target.replace(" ", "%20").replace("\r", "").replace("\n", "");
        String method = pick(random, List.of("GET", "POST", "GET", "PUT", "OPTIONS"));
        RawHttp.Response response = http(method, target, method.equals("POST") ? "40" : "");
        count("eio-query:" + response.status());
        if (!response.isResponse() || response.status() >= 500) {
            problem(seed, method + " " + Mutations.show(target) + ": " + response);
        }
        if (response.status() == 200 && response.text().startsWith("0{")) {
            String sid = TestServer.json(response.text().substring(1)).path("sid").asText();
            http("POST", pollBase(sid), "1");
        }
    }

    // ---- Engine.IO over WebSocket

    /** Frames that are not Engine.IO (or Socket.IO) at all: the connection must be closed. */
    private static final List<String> FATAL_TEXT = List.of("", "x", "7", "9", "{}", "\u00e9", "4x", "49", "47", "42",
            "40[]", "41{}", "43", "44", "4" + "2[\"connect\"]", "45", "451-", "4-", "4/", "40{\"token\":1}x");

    private static void engineWebSocketCase(Random random, long seed) throws IOException {
        try (WsConn ws = WsConn.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
            WsConn.Frame open = ws.read(ANSWER);
            if (open == null || open.opcode() != WsConn.TEXT || !open.text().startsWith("0{")) {
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
                ws.send(WsConn.BINARY, true, data);
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
            List<WsConn.Frame> frames = ws.drain(mustClose ? ANSWER : Duration.ofMillis(50));
            boolean closed = !frames.isEmpty() && frames.get(frames.size() - 1).isEnd();
            count("eio-ws:" + (closed ? "closed" : "open"));
            if (mustClose && !closed) {
                problem(seed, "engine.io websocket still open after " + what + "; got " + frames);
            }
        }
    }

    /** Writes a frame that breaks RFC 6455; returns what it was. */
    private static String frameViolation(Random random, WsConn ws) throws IOException {
        switch (random.nextInt(8)) {
            case 0: {
                ws.send(WsConn.TEXT, true, new byte[] {(byte) 0xC3, (byte) 0x28, 'a'});
                return "invalid UTF-8";
            }
            case 1: {
                int opcode = pick(random, List.of(3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF));
                ws.send(opcode, true, Mutations.randomBytes(random, random.nextInt(10)));
                return "reserved opcode " + opcode;
            }
            case 2: {
                ws.write(WsConn.firstByte(true, 1 + random.nextInt(7), WsConn.TEXT), "4".getBytes(StandardCharsets.UTF_8), true);
                return "reserved bits";
            }
            case 3: {
                ws.write(WsConn.firstByte(true, 0, WsConn.TEXT), "3".getBytes(StandardCharsets.UTF_8), false);
                return "unmasked frame";
            }
            case 4: {
                ws.sendHeaderOnly(WsConn.firstByte(true, 0, WsConn.TEXT), WS_LIMIT + 1 + random.nextInt(1_000_000));
                return "oversize frame";
            }
            case 5: {
                ws.send(WsConn.PING, false, new byte[0]);
                return "fragmented ping";
            }
            case 6: {
                ws.send(WsConn.CONTINUATION, true, "x".getBytes(StandardCharsets.UTF_8));
                return "continuation without a start";
            }
            default: {
                ws.send(WsConn.PING, true, new byte[126]);
                return "control frame over 125 bytes";
            }
        }
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
        try (WsConn ws = WsConn.open(server.port(), authed ? "/ws?token=fuzzer" : "/ws")) {
            if (authed) {
                WsConn.Frame ack = ws.read(ANSWER);
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
                ws.send(WsConn.BINARY, true, Mutations.randomBytes(random, random.nextInt(50)));
                expected = 1003;
                what = "binary frame";
            } else if (kind == 7) {
                byte[] bad = Mutations.mutateBytes(random, "{\"type\":\"ping\",\"x\":\"\u00e9\u00e9\u00e9\u00e9\"}"
                        .getBytes(StandardCharsets.UTF_8));
                if (isUtf8(bad)) {
                    bad = new byte[] {'"', (byte) 0xFF, '"'};
                }
                ws.send(WsConn.TEXT, true, bad);
                expected = 1007;
                what = "invalid UTF-8";
            } else if (kind == 8) {
                ws.sendHeaderOnly(WsConn.firstByte(true, 0, random.nextBoolean() ? WsConn.TEXT : WsConn.BINARY),
                        WS_LIMIT + 1 + random.nextInt(5_000_000));
                expected = 1009;
                what = "oversize frame";
            } else {
                what = frameViolation(random, ws);
                expected = what.equals("invalid UTF-8") ? 1007 : what.equals("oversize frame") ? 1009 : 1002;
            }
            List<WsConn.Frame> frames = ws.drain(ANSWER);
            WsConn.Frame close = frames.stream().filter(f -> f.opcode() == WsConn.CLOSE).findFirst().orElse(null);
            count("raw-ws:close " + (close == null ? "none" : close.closeCode()));
            if (close == null || close.closeCode() != expected) {
                problem(seed, "raw /ws " + what + ": expected close " + expected + ", got " + frames);
            } else if (!frames.get(frames.size() - 1).isEnd()) {
                problem(seed, "raw /ws " + what + ": closed with " + expected + " but the TCP connection stays");
            }
        }
    }

    /** Any text frame gets an answer: a JSON frame of a server type, or a close 1008 after a failed hello. */
    private static void checkRawAnswer(long seed, WsConn ws, String what) throws IOException {
        WsConn.Frame frame = ws.read(ANSWER);
        if (frame == null || frame.isEnd()) {
            problem(seed, "raw /ws " + what + ": no answer (" + frame + ")");
            return;
        }
        if (frame.opcode() == WsConn.CLOSE) {
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

    // ---- helpers

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
