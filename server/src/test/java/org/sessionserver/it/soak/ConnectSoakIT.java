package org.sessionserver.it.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;
import org.slf4j.LoggerFactory;

/**
 * A bounded soak: {@value #DEFAULT_CYCLES} connect/disconnect cycles against one in-process server, with Netty's
 * leak detector on PARANOID (every buffer tracked), mixing Socket.IO over WebSocket (handshake, CONNECT, wait for
 * the {@code session} event, close), Socket.IO over long-polling (handshake, POST 40, GET until {@code session},
 * POST {@code 1}) and raw {@code /ws} (hello, hello_ack, close). Then: no LEAK report, {@code /health} back to 0
 * connections, and the heap after GC within 10 % of what it was after the warm-up ({@value #WARM_UP} cycles).
 *
 * <p>{@code -Dsoak.cycles=N} for a longer run by hand. The leak detector level is global to the JVM: it is set in
 * this class's static initializer, before the server allocates anything, and put back afterwards.
 */
class ConnectSoakIT {
    static final int DEFAULT_CYCLES = 10_000;
    static final int WARM_UP = 500;
    private static final int CYCLES = Integer.getInteger("soak.cycles", DEFAULT_CYCLES);
    private static final int WORKERS = Integer.getInteger("soak.workers", 8);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RS = "\u001e";
    /**
     * How long a closed raw connection that said hello stays reachable: its 10 s hello timer is not cancelled when it
     * closes (RawWebSocketGateway.onOpen), and holds the channel until it fires. Heap is read after that.
     */
    private static final long QUIET_MS = 11_000;

    private static final ResourceLeakDetector.Level previousLevel = ResourceLeakDetector.getLevel();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private static TestServer server;
    private static final LeakReports leaks = new LeakReports();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    @BeforeAll
    static void start() {
        leaks.attach();
        server = TestServer.start("NODE_ID", "soak-node");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        leaks.detach();
        ResourceLeakDetector.setLevel(previousLevel);
    }

    @Test
    void connectDisconnectCyclesLeakNothing() throws Exception {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        long warmStarted = System.nanoTime();
        runCycles(0, Math.min(WARM_UP, CYCLES), failures);
        Await.until(() -> connections() == 0, WAIT, () -> "connections after the warm-up: " + connections());
        Thread.sleep(QUIET_MS);
        long heapStart = settledHeap();
        java.util.Map<String, long[]> histogramStart = histogram();

        long started = System.nanoTime();
        runCycles(WARM_UP, CYCLES, failures);
        double seconds = (System.nanoTime() - started) / 1e9;
        Await.until(() -> connections() == 0, WAIT, () -> "connections after the soak: " + connections());
        long heapRightAfter = settledHeap();
        Thread.sleep(QUIET_MS);
        long heapEnd = settledHeap();
        String growth = growth(histogramStart, histogram());
        if (!growth.isEmpty()) {
            System.out.println("soak: classes whose live instances grew most:\n" + growth);
        }

        List<String> reports = leaks.collect();
        System.out.printf("soak: %d cycles (%d warm-up) in %.1f s after %.1f s warm-up: %.0f cycles/s with %d workers; "
                        + "heap after GC %d KiB -> %d KiB right after, %d KiB %d s later (%+.1f %%); leak reports %d%n",
                CYCLES, WARM_UP, seconds, (started - warmStarted) / 1e9, (CYCLES - WARM_UP) / seconds, WORKERS,
                heapStart / 1024, heapRightAfter / 1024, heapEnd / 1024, QUIET_MS / 1000, 100.0 * (heapEnd - heapStart) / heapStart, reports.size());

        assertTrue(failures.isEmpty(), failures.size() + " cycle(s) failed, first: " + failures.stream().limit(10).toList());
        assertTrue(reports.isEmpty(), "Netty leak reports:\n" + String.join("\n", reports));
        assertTrue(heapEnd <= heapStart * 1.10, "heap after GC grew from " + heapStart + " to " + heapEnd
                + " bytes; classes whose live instances grew most:\n" + growth);
        assertEquals(0, connections(), "connections after the soak");
        assertEquals("ok", TestServer.json(server.get("/health", null)).get("status").asText());

        // The detector and its capture work: a buffer leaked on purpose is reported.
        PooledByteBufAllocator.DEFAULT.buffer(64).writeLong(42); // never released
        Await.until(() -> {
            System.gc();
            for (int i = 0; i < 100; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
            return !leaks.collect().isEmpty();
        }, WAIT, () -> "a buffer leaked on purpose was not reported: leak detection is not on");
    }

    // ---- the cycles

    private static void runCycles(int from, int to, ConcurrentLinkedQueue<String> failures) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < to && failures.size() < 20; ) {
                        try {
                            cycle(i);
                        } catch (Exception | AssertionError e) {
                            failures.add("cycle " + i + " (" + transport(i) + "): " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String transport(int i) {
        return switch (i % 3) {
            case 0 -> "socket.io websocket";
            case 1 -> "socket.io polling";
            default -> "raw /ws";
        };
    }

    private static void cycle(int i) throws Exception {
        String token = "soak" + (i % 64);
        switch (i % 3) {
            case 0 -> socketIoWebSocket(token, i);
            case 1 -> socketIoPolling(token);
            default -> rawWebSocket(token, i);
        }
    }

    private static void socketIoWebSocket(String token, int i) throws IOException {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/socket.io/?EIO=4&transport=websocket")) {
            HandWebSocket.Frame open = ws.read(WAIT);
            assertTrue(open != null && open.text().startsWith("0{"), "open packet: " + open);
            ws.sendText("40{\"token\":\"" + token + "\"}");
            while (true) {
                HandWebSocket.Frame frame = ws.read(WAIT);
                if (frame == null || frame.isEnd()) {
                    fail("no session event: " + frame);
                }
                if (frame.opcode() == HandWebSocket.TEXT && frame.text().startsWith("42[\"session\"")) {
                    break;
                }
            }
            if (i % 2 == 0) {
                ws.sendText("41"); // leave the namespace first, then the transport
                ws.sendText("1");
            }
        }
    }

    private static void socketIoPolling(String token) throws Exception {
        String base = server.url() + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> open = send(HttpRequest.newBuilder(URI.create(base)).GET());
        assertEquals(200, open.statusCode(), open.body());
        String sid = TestServer.json(open.body().substring(1)).get("sid").asText();
        String url = base + "&sid=" + sid;
        HttpResponse<String> connect = send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString("40{\"token\":\"" + token + "\"}")));
        assertEquals(200, connect.statusCode(), connect.body());
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean session = false;
        while (!session) {
            if (System.nanoTime() > deadline) {
                fail("no session event over polling");
            }
            HttpResponse<String> poll = send(HttpRequest.newBuilder(URI.create(url)).GET());
            assertEquals(200, poll.statusCode(), poll.body());
            session = Arrays.stream(poll.body().split(RS)).anyMatch(p -> p.startsWith("42[\"session\""));
        }
        HttpResponse<String> close = send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString("1")));
        assertEquals(200, close.statusCode(), close.body());
    }

    private static void rawWebSocket(String token, int i) throws IOException {
        try (HandWebSocket ws = HandWebSocket.open(server.port(), "/ws")) {
            ws.sendText("{\"type\":\"hello\",\"request_id\":\"h" + i + "\",\"payload\":{\"token\":\"" + token + "\"}}");
            HandWebSocket.Frame ack = ws.read(WAIT);
            assertTrue(ack != null && ack.opcode() == HandWebSocket.TEXT && ack.text().contains("\"hello_ack\""),
                    "hello_ack: " + ack);
            if (i % 2 == 0) {
                ws.send(HandWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xE8}); // 1000, then wait for the echo
                ws.drain(WAIT);
            }
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static int connections() {
        return TestServer.json(server.get("/health", null)).get("connections").asInt();
    }

    /** The median of five heap readings, each after a full GC: what is live, with the noise of one reading gone. */
    private static long settledHeap() throws InterruptedException {
        long[] readings = new long[5];
        for (int r = 0; r < readings.length; r++) {
            System.gc();
            Thread.sleep(200);
            System.gc();
            readings[r] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        Arrays.sort(readings);
        return readings[readings.length / 2];
    }

    /** Live instances and bytes per class ({@code jcmd GC.class_histogram}); empty when jcmd cannot be run. */
    private static java.util.Map<String, long[]> histogram() {
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        try {
            String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process process = new ProcessBuilder(jcmd, String.valueOf(ProcessHandle.current().pid()),
                    "GC.class_histogram").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
            for (String line : output.split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length >= 4 && parts[0].endsWith(":")) {
                    classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                }
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // a diagnostic only
        }
        return classes;
    }

    /** The ten classes whose live bytes grew most between two histograms. */
    private static String growth(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after) {
        return after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), new long[] {
                        e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
                .filter(e -> e.getValue()[1] > 0)
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(12)
                .map(e -> String.format("  %+8d instances %+10d bytes  %s", e.getValue()[0], e.getValue()[1], e.getKey()))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** What Netty's leak detector logs (at ERROR, "LEAK: ..."), captured from its logger. */
    static final class LeakReports extends AppenderBase<ILoggingEvent> {
        private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();

        void attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            setContext(context);
            start();
            context.getLogger("io.netty.util.ResourceLeakDetector").addAppender(this);
        }

        void detach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger("io.netty.util.ResourceLeakDetector").detachAppender(this);
            stop();
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message != null && message.contains("LEAK")) {
                reports.add(message.length() > 3000 ? message.substring(0, 3000) + "..." : message);
            }
        }

        /** The reports so far, after a GC and a few allocations (the detector reports when it tracks new objects). */
        List<String> collect() {
            System.gc();
            for (int i = 0; i < 1000; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
            for (int i = 0; i < 20; i++) {
                connectionsQuietly(); // the server allocates, and so polls its detector too
            }
            return new ArrayList<>(reports);
        }

        private static void connectionsQuietly() {
            try {
                connections();
            } catch (RuntimeException | AssertionError ignored) {
                // only an allocation trigger
            }
        }
    }
}
