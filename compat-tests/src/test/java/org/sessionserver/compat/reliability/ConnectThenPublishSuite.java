package org.sessionserver.compat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.WsRecorder;

/**
 * A session is routable before its client can know that it is connected: a client that has the engine publish to it
 * the moment it reads its CONNECT reply (Socket.IO) or {@code hello_ack} (raw) always gets the message. Many cycles,
 * several at a time, while spinning threads keep both cores busy, so that the server's event loops lag behind the
 * client as they do on a loaded machine. Each session must also be listed at once by {@code GET /connections} of the
 * publishing node (the session directory). Each deployment runs the same cycles ({@link #connectPort} holds the
 * connections, {@link #publishPort} takes the {@code POST /messages}).
 */
abstract class ConnectThenPublishSuite {
    static final String ENGINE_KEY = "reliability-engine-key-0123";
    static final int CYCLES = 2_000;
    private static final int WORKERS = 4;
    private static final int LOAD_THREADS = 2;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern SID = Pattern.compile("\"(?:sid|sessionId)\":\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The port of the node the clients connect to. */
    abstract int connectPort();

    /** The port of the node that takes the engine's {@code POST /messages}. */
    abstract int publishPort();

    /** What the deployment is called in the output. */
    abstract String deployment();

    /** Connect-then-publish cycles per transport; the Sentinel and Cluster runs do fewer (the race is the same). */
    int cycles() {
        return CYCLES;
    }

    @Test
    void socketIoClientsGetWhatIsPublishedRightAfterTheirConnectReply() throws Exception {
        runCycles("socket.io", (participant) -> {
            WsRecorder ws = WsRecorder.open(URI.create("ws://127.0.0.1:" + connectPort()
                    + "/socket.io/?EIO=4&transport=websocket"), true);
            ws.expectOpenPacket();
            ws.sendText("40{\"token\":\"" + participant + "\"}");
            return new Connected(ws, sid(expect(ws, text -> text.startsWith("40{"))));
        }, text -> text.startsWith("42[\"message\""));
    }

    @Test
    void rawClientsGetWhatIsPublishedRightAfterTheirHelloAck() throws Exception {
        runCycles("raw", (participant) -> {
            WsRecorder ws = WsRecorder.open(URI.create("ws://127.0.0.1:" + connectPort() + "/ws?token=" + participant),
                    false);
            return new Connected(ws, sid(expect(ws, text -> text.contains("\"type\":\"hello_ack\""))));
        }, text -> text.contains("\"type\":\"message\""));
    }

    private record Connected(WsRecorder ws, String sessionId) {
    }

    private static String expect(WsRecorder ws, Predicate<String> wanted) {
        String text = ws.nextTextMatching(wanted, WAIT);
        if (text == null) {
            throw new AssertionError("no expected frame within " + WAIT + "; unread " + ws.unread());
        }
        return text;
    }

    private interface Connector {
        Connected connect(String participant) throws Exception;
    }

    private void runCycles(String transport, Connector connector, Predicate<String> isMessage) throws Exception {
        AtomicInteger missed = new AtomicInteger();
        AtomicInteger unlisted = new AtomicInteger();
        List<String> firstProblems = java.util.Collections.synchronizedList(new ArrayList<>());
        CpuLoad load = CpuLoad.start(LOAD_THREADS);
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < WORKERS; worker++) {
                int w = worker;
                done.add(workers.submit(() -> {
                    for (int cycle = w; cycle < cycles(); cycle += WORKERS) {
                        String participant = transport.replace(".", "") + "-" + deployment() + "-" + cycle;
                        Connected connected = connector.connect(participant);
                        try {
                            String tag = "c" + cycle;
                            if (!listed(connected.sessionId())) { // the directory, read through the other node
                                unlisted.incrementAndGet();
                                firstProblems.add(participant + ": not in /connections of the other node");
                            }
                            HttpResponse<String> published = post("/messages", messageTo(participant, tag));
                            assertEquals(202, published.statusCode(), published.body());
                            String got = connected.ws().nextTextMatching(
                                    text -> isMessage.test(text) && text.contains(tag), WAIT);
                            if (got == null) {
                                missed.incrementAndGet();
                                firstProblems.add(participant + ": message " + tag + " missed");
                            }
                        } finally {
                            connected.ws().close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            workers.shutdownNow();
            load.stop();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("connect-then-publish, %s on %s: %d cycles (%d at a time, %d CPU hog threads) in %d ms: "
                        + "%d missed, %d not yet in the directory%n", transport, deployment(), cycles(), WORKERS,
                LOAD_THREADS, ms, missed.get(), unlisted.get());
        assertEquals(List.of(), firstProblems.subList(0, Math.min(10, firstProblems.size())));
    }

    private boolean listed(String sessionId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + publishPort() + "/connections"))
                .header("Authorization", "Bearer " + ENGINE_KEY).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("\"" + sessionId + "\"");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publishPort() + path))
                .header("Authorization", "Bearer " + ENGINE_KEY).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String messageTo(String participantId, String tag) {
        return "{\"event\":{\"id\":\"" + tag + "\",\"type\":\"engine.note\"},\"to\":[{\"participantId\":\""
                + participantId + "\"}],\"data\":{\"tag\":\"" + tag + "\"}}";
    }

    private static String sid(String frame) {
        Matcher matcher = SID.matcher(frame);
        if (!matcher.find()) {
            throw new AssertionError("no session id in " + frame);
        }
        return matcher.group(1);
    }

    /** Threads that spin until stopped: the "loaded machine" of the cycles. */
    private static final class CpuLoad {
        private volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();

        static CpuLoad start(int threads) {
            CpuLoad load = new CpuLoad();
            for (int i = 0; i < threads; i++) {
                Thread thread = new Thread(load::spin, "cpu-load-" + i);
                thread.setDaemon(true);
                load.threads.add(thread);
                thread.start();
            }
            return load;
        }

        private void spin() {
            long x = 0;
            while (running) {
                x += System.nanoTime() & 7;
            }
            if (x == 42) {
                System.out.print(""); // keeps the loop from being optimized away
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
