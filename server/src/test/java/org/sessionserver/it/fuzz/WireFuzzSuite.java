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
import org.sessionserver.it.support.HandWebSocket;
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
 * <p>One subclass per surface (HTTP routes, Engine.IO over polling, Engine.IO over WebSocket, raw {@code /ws}), each
 * bounded in CI ({@value #DEFAULT_SECONDS} s of fuzzing, raw {@code /ws} 12 s: its cases are slow); by hand
 * {@code -Dfuzz.seconds=600}, a fresh run with
 * {@code -Dfuzz.seed=random}, one case replayed (in its surface's IT) with
 * {@code -Dfuzz.replay=<seed printed by a failure>}.
 */
abstract class WireFuzzSuite {
    /** Per surface: the four surfaces together fuzz for 12 s in CI. */
    static final long DEFAULT_SECONDS = 3;
    static final int WORKERS = (int) Mutations.setting("workers", 6);
    /** The workers stop early once this many problems are found (raise it for a long run over known bugs). */
    static final long MAX_PROBLEMS = Mutations.setting("maxProblems", 500);
    static final String ENGINE_KEY = "fuzz-engine-key-0123456789";
    static final Duration ANSWER = Canary.ANSWER;
    static final String RS = "\u001e";
    /** The /ws frame limit with the default MAX_MESSAGE_SIZE: max(1_000_000, 2 * 65536 + 1024). */
    static final int WS_LIMIT = 1_000_000;
    static final Set<String> RAW_SERVER_TYPES = Set.of("hello_ack", "message", "ack", "pong", "error");

    static TestServer server;
    static final LogCapture logs = new LogCapture();

    static final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    static final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        failures.clear();
        outcomes.clear();
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
                long deadline = started + TimeUnit.SECONDS.toNanos(seconds());
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
                long deadline = started + TimeUnit.SECONDS.toNanos(seconds());
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
            System.out.printf("wire fuzz, %s: %d cases in %d ms (%d workers, seed %d), outcomes %s%n",
                    getClass().getSimpleName(), cases.get(), tookMs, WORKERS, base, new TreeMap<>(outcomes));

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
        java.nio.file.Files.write(java.nio.file.Path.of("target", "wire-fuzz-problems-" + getClass().getSimpleName() + ".txt"), problems);
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s), first ones:\n  " + String.join("\n  ",
                    problems.subList(0, Math.min(25, problems.size()))));
        }
    }

    static long seed() {
        String value = System.getProperty("fuzz.seed");
        if ("random".equals(value)) {
            return System.nanoTime();
        }
        return value == null || value.isBlank() ? 0xF022_1E5L : Long.parseLong(value.trim());
    }

    static JsonNode health() {
        HttpResponse<String> response = server.get("/health", null);
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response);
    }

    /** The sessions other than the canaries', counted by transport. */
    static Map<String, Long> leftOver() {
        JsonNode list = TestServer.json(server.get("/connections", ENGINE_KEY)).path("connections");
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode session : list) {
            if (!session.path("participantId").asText().startsWith("canary-")) {
                counts.merge(session.path("participantId").asText() + "/" + session.path("transport").asText(), 1L, Long::sum);
            }
        }
        return counts;
    }

    static void checkPolling(SioClient client, int round) {
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

    /** How long this surface is fuzzed: {@code -Dfuzz.seconds}, else its share of the CI budget. */
    long seconds() {
        return Mutations.setting("seconds", DEFAULT_SECONDS);
    }

    /** Runs one case of this surface; returns its category, for the outcome counts. */
    abstract String fuzz(Random random, long seed) throws IOException;

    private void runCase(long seed) {
        try {
            count(fuzz(new Random(seed), seed));
        } catch (Throwable e) {
            failures.add("seed " + seed + ": unexpected " + e);
        }
    }

    /** What the last case of this thread sent, for the session-leak report. */
    static final ThreadLocal<String> LAST_CASE = new ThreadLocal<>();

    static void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    static void problem(long seed, String what) {
        failures.add("seed " + seed + " (replay: -Dfuzz.replay=" + seed + "): " + what);
    }

    // ---- what several surfaces use

    static final List<String> SIO_PACKETS = List.of("0", "0{\"token\":\"fuzzer\"}", "0/admin,{}", "1",
            "2[\"message\",{\"id\":\"e1\",\"type\":\"t\",\"source\":{\"id\":\"fuzzer\"},\"timestamp\":\"2025-10-28T22:45:00.000Z\"}]",
            "21[\"message\",{}]", "2[\"ping\"]", "3[]", "37[1]", "4{\"message\":\"x\"}",
            "51-[\"message\",{\"_placeholder\":true,\"num\":0}]", "61-3[{\"_placeholder\":true,\"num\":0}]");
    static final List<String> EIO_PACKETS = List.of("3", "6", "2", "5", "1", "2probe", "0", "b", "bAQID");

    static String enginePacket(Random random) {
        if (random.nextInt(4) == 0) {
            String packet = pick(random, EIO_PACKETS);
            return random.nextBoolean() ? packet : Mutations.mutate(random, packet);
        }
        String sio = pick(random, SIO_PACKETS);
        return "4" + (random.nextInt(4) == 0 ? sio : Mutations.mutate(random, sio));
    }

    static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Writes a frame that breaks RFC 6455; returns what it was. */
    static String frameViolation(Random random, HandWebSocket ws) throws IOException {
        switch (random.nextInt(8)) {
            case 0: {
                ws.send(HandWebSocket.TEXT, true, new byte[] {(byte) 0xC3, (byte) 0x28, 'a'});
                return "invalid UTF-8";
            }
            case 1: {
                int opcode = pick(random, List.of(3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF));
                ws.send(opcode, true, Mutations.randomBytes(random, random.nextInt(10)));
                return "reserved opcode " + opcode;
            }
            case 2: {
                ws.write(HandWebSocket.firstByte(true, 1 + random.nextInt(7), HandWebSocket.TEXT), "4".getBytes(StandardCharsets.UTF_8), true);
                return "reserved bits";
            }
            case 3: {
                ws.write(HandWebSocket.firstByte(true, 0, HandWebSocket.TEXT), "3".getBytes(StandardCharsets.UTF_8), false);
                return "unmasked frame";
            }
            case 4: {
                ws.sendHeaderOnly(HandWebSocket.firstByte(true, 0, HandWebSocket.TEXT), WS_LIMIT + 1 + random.nextInt(1_000_000));
                return "oversize frame";
            }
            case 5: {
                ws.send(HandWebSocket.PING, false, new byte[0]);
                return "fragmented ping";
            }
            case 6: {
                ws.send(HandWebSocket.CONTINUATION, true, "x".getBytes(StandardCharsets.UTF_8));
                return "continuation without a start";
            }
            default: {
                ws.send(HandWebSocket.PING, true, new byte[126]);
                return "control frame over 125 bytes";
            }
        }
    }
}
