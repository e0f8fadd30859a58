package org.sessionserver.compat.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.json.JSONObject;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.config.ServerConfig;

/**
 * Cross-node delivery latency (a benchmark, not a test): one redis-server, node A and node B in this JVM, {@value
 * #CLIENTS} socket.io-client-java clients (WebSocket) on B, one participant each. Messages are POSTed to
 * {@code /messages} on A at a steady {@value #RATE_PER_SEC}/s, each addressed to one client (round robin) and
 * carrying its send time; latency = client receipt - just before the POST (same JVM, {@code System.nanoTime}). So it
 * covers A's HTTP route, the Redis PUBLISH, B's routing and the WebSocket hop, plus the client's parsing. After a
 * warm-up, {@value #RUNS} runs of {@value #MESSAGES} messages; prints p50/p99 per run and the median of the runs.
 *
 * <p>Run it (from the repository root, after {@code mvn -o -DskipTests install}) through its JUnit wrapper, whose
 * name matches neither {@code *Test} nor {@code *IT} so CI never runs it:
 * <pre>
 * mvn -o -pl compat-tests test-compile surefire:test -Dtest=CrossNodeLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Numbers from a shared machine are indicative only; compare runs on one machine.
 */
public final class CrossNodeLatencyBench {
    static final int CLIENTS = 50;
    static final int RATE_PER_SEC = 500;
    static final int MESSAGES = 2_000;
    static final int RUNS = 3;
    static final int WARMUP = 1_000;

    private CrossNodeLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }

    /** Runs the benchmark; returns the report. */
    static String run() throws Exception {
        StringBuilder report = new StringBuilder();
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            SessionServer a = SessionServer.start(ServerConfig.fromEnv(Cluster.env(redis.url(), "a", "none", 0)));
            SessionServer b = SessionServer.start(ServerConfig.fromEnv(Cluster.env(redis.url(), "b", "none", 0)));
            List<ClusterClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(ClusterClient.connect(b.port(), "bench-" + i));
                }
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI messages = URI.create("http://127.0.0.1:" + a.port() + "/messages");
                measure(http, messages, clients, WARMUP, "warmup");
                double[] p50s = new double[RUNS];
                double[] p99s = new double[RUNS];
                report.append(String.format("cross-node latency, %d clients on node B, %d msg/s POSTed to node A, "
                        + "%d messages per run (%d CPUs)%n", CLIENTS, RATE_PER_SEC, MESSAGES,
                        Runtime.getRuntime().availableProcessors()));
                for (int run = 0; run < RUNS; run++) {
                    double[] latenciesMs = measure(http, messages, clients, MESSAGES, "run" + run);
                    Arrays.sort(latenciesMs);
                    p50s[run] = percentile(latenciesMs, 50);
                    p99s[run] = percentile(latenciesMs, 99);
                    report.append(String.format("run %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", run + 1, p50s[run],
                            p99s[run], latenciesMs[latenciesMs.length - 1]));
                }
                Arrays.sort(p50s);
                Arrays.sort(p99s);
                report.append(String.format("median of %d runs: p50 %.2f ms, p99 %.2f ms%n", RUNS, p50s[RUNS / 2],
                        p99s[RUNS / 2]));
            } finally {
                clients.forEach(ClusterClient::close);
                Thread closeA = new Thread(a::close);
                closeA.start();
                b.close();
                closeA.join();
            }
        }
        return report.toString();
    }

    /** Sends {@code count} messages at the steady rate; returns each one's latency in ms. */
    private static double[] measure(HttpClient http, URI messages, List<ClusterClient> clients, int count, String run)
            throws Exception {
        AtomicLongArray sentAt = new AtomicLongArray(count);
        AtomicLongArray receivedAt = new AtomicLongArray(count);
        CountDownLatch received = new CountDownLatch(count);
        for (ClusterClient client : clients) {
            client.onMessage(message -> {
                JSONObject data = message.optJSONObject("data");
                if (data != null && run.equals(data.optString("run"))) {
                    int seq = data.optInt("seq");
                    if (receivedAt.compareAndSet(seq, 0, System.nanoTime())) {
                        received.countDown();
                    }
                }
                client.messages.clear(); // keep memory flat: the benchmark needs no history
            });
        }
        AtomicInteger failures = new AtomicInteger();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SEC;
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<Void>>> posts = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            long due = start + seq * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String body = "{\"event\":{\"id\":\"" + run + "-" + seq + "\",\"type\":\"bench\"},\"to\":[{\"participantId\":"
                    + "\"bench-" + (seq % clients.size()) + "\"}],\"data\":{\"run\":\"" + run + "\",\"seq\":" + seq + "}}";
            HttpRequest request = HttpRequest.newBuilder(messages)
                    .header("Authorization", "Bearer " + Cluster.ENGINE_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            sentAt.set(seq, System.nanoTime());
            posts.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, e) -> {
                if (e != null || response.statusCode() != 202) {
                    failures.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        if (!received.await(30, TimeUnit.SECONDS) || failures.get() > 0) {
            throw new IllegalStateException(run + ": " + received.getCount() + " of " + count + " not received, "
                    + failures.get() + " POSTs failed");
        }
        double[] latenciesMs = new double[count];
        for (int seq = 0; seq < count; seq++) {
            latenciesMs[seq] = (receivedAt.get(seq) - sentAt.get(seq)) / 1e6;
        }
        return latenciesMs;
    }

    private static double percentile(double[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
