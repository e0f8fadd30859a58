package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.codec.CRC16;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.TestRedis;
import org.sessionserver.bus.testing.Wait;

/**
 * Two nodes over a Redis deployment of their own (each subclass's, two replicas per master,
 * {@code REDIS_WAIT_REPLICAS=1}), a Socket.IO client on n2 sending events one after the other: kill -9 of the master
 * of its participant's stream. Every refusal the client sees is {@code unavailable}, acknowledgements are back within
 * the deployment's budget without restarting anything, every acknowledged event is in the streams, and a message
 * published through n1 reaches the client again.
 */
abstract class FailoverThroughNodesSuite {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A deployment of the test's own, with two replicas per master. */
    abstract TestRedis startRedis();

    /** ENGINE_STREAMS of the nodes. */
    abstract int streams();

    /** Kills (SIGKILL) the master of {@code stream}. */
    abstract void killMasterOf(TestRedis redis, String stream);

    /** Acknowledgements must be back within this much of the kill. */
    abstract Duration budget();

    /** A participant whose events go to the first stream. */
    private String participantOnFirstStream() {
        for (int i = 0; ; i++) {
            String id = "failover-" + i;
            if (CRC16.crc16(id.getBytes(StandardCharsets.UTF_8)) % 16384 % streams() == 0) {
                return id;
            }
        }
    }

    private static String stream(Cluster cluster, int index, int count) {
        return cluster.prefix + "engine:in" + (count == 1 ? "" : ":{" + index + "}");
    }

    /**
     * When acknowledgements came back: the end of the longest pause (over 300 ms; events go one after the other)
     * between two of them after the kill; null while none has ended.
     */
    private static Duration backAfter(List<Long> ackedAt, long killedAt) {
        List<Long> times = List.copyOf(ackedAt);
        long longest = 300_000_000L;
        Long back = null;
        for (int i = 1; i < times.size(); i++) {
            long pause = times.get(i) - times.get(i - 1);
            if (times.get(i) > killedAt && pause > longest) {
                longest = pause;
                back = times.get(i);
            }
        }
        return back == null ? null : Duration.ofNanos(back - killedAt);
    }

    @Test
    void killingTheMasterOfAStreamRefusesOnlyUnavailableAndServiceComesBackByItself() throws Exception {
        String participant = participantOnFirstStream();
        try (Cluster cluster = Cluster.startOver(2, startRedis(),
                Map.of("ENGINE_STREAMS", String.valueOf(streams()), "REDIS_WAIT_REPLICAS", "1"))) {
            String stream = stream(cluster, 0, streams());
            ClusterClient client = ClusterClient.connect(cluster.port(2), participant);
            List<String> acked = new CopyOnWriteArrayList<>();
            List<String> refusals = new CopyOnWriteArrayList<>();
            List<Long> ackedAt = new CopyOnWriteArrayList<>();
            Thread sender = new Thread(() -> {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    String id = "fo-" + i;
                    JSONObject ack = client.send(Cluster.event(id, participant));
                    if (ack.optBoolean("ok")) {
                        acked.add(id);
                        ackedAt.add(System.nanoTime());
                    } else {
                        JSONObject error = ack.optJSONObject("error");
                        refusals.add(error == null ? ack.toString() : error.optString("code"));
                    }
                    try {
                        Thread.sleep(25); // under RATE_LIMIT_PER_SEC: refusals come back at once while degraded
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "failover-sender");
            sender.start();
            try {
                Wait.until(WAIT, () -> acked.size() >= 20, "events acknowledged before the kill");
                long killedAt = System.nanoTime();
                killMasterOf(cluster.backend, stream);
                Wait.until(budget(), () -> backAfter(ackedAt, killedAt) != null, () -> "events acknowledged again "
                        + "within " + budget() + "; refusals " + refusals);
                long backMs = backAfter(ackedAt, killedAt).toMillis();
                List<String> answers = new CopyOnWriteArrayList<>();
                Wait.until(WAIT, () -> {
                    HttpResponse<String> published = Cluster.post(cluster.port(1), "/messages",
                            Cluster.messageTo(participant, "after-kill"), Cluster.ENGINE_KEY);
                    answers.add(published.statusCode() + " " + published.body());
                    Wait.settle(Duration.ofMillis(100));
                    return published.statusCode() == 202 && client.received("data", "tag").contains("after-kill");
                }, () -> "a message published through n1 reaches the client on n2: " + answers.subList(
                        Math.max(0, answers.size() - 2), answers.size()) + " received " + client.received("data", "tag")
                        + " health n1 " + Cluster.get(cluster.port(1), "/health", null).body() + " n2 "
                        + Cluster.get(cluster.port(2), "/health", null).body());
                System.out.printf("%s failover through the nodes: events acknowledged again %d ms after the "
                        + "kill; %d acknowledged, %d refused %s%n", cluster.backend.kind(), backMs, acked.size(), refusals.size(),
                        new HashSet<>(refusals));
            } finally {
                sender.interrupt();
                sender.join(15_000);
            }
            Set<String> codes = new HashSet<>(refusals);
            codes.remove("unavailable");
            assertEquals(Set.of(), codes, "refusals other than unavailable");
            Set<String> inStreams = new HashSet<>();
            Wait.until(WAIT, () -> {
                try {
                    for (int i = 0; i < streams(); i++) {
                        for (StreamMessage<String, String> entry : cluster.redisCommands().xrange(
                                stream(cluster, i, streams()), Range.create("-", "+"))) {
                            String envelope = entry.getBody().get("envelope");
                            int start = envelope.indexOf("\"id\":\"") + 6;
                            inStreams.add(envelope.substring(start, envelope.indexOf('"', start)));
                        }
                    }
                    return true;
                } catch (RuntimeException testClientNotYetOnTheNewMaster) {
                    return false;
                }
            }, "the streams read");
            List<String> missing = new ArrayList<>(acked);
            missing.removeAll(inStreams);
            assertEquals(List.of(), missing, "acknowledged events missing from the streams");
        }
    }
}
