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
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.Wait;

/**
 * Two nodes over a Redis Cluster of their own (two replicas per master, {@code ENGINE_STREAMS=3},
 * {@code REDIS_WAIT_REPLICAS=1}), a Socket.IO client on n2 sending events one after the other: kill -9 of the master
 * of its participant's stream. Every refusal the client sees is {@code unavailable}, acknowledgements are back within
 * 10 s without restarting anything, every acknowledged event is in the streams, and a message published through n1
 * reaches the client again.
 */
class RedisClusterFailoverIT {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    /** A participant whose events go to the first of three streams. */
    private static String participantOnFirstStream() {
        for (int i = 0; ; i++) {
            String id = "failover-" + i;
            if (CRC16.crc16(id.getBytes(StandardCharsets.UTF_8)) % 16384 % 3 == 0) {
                return id;
            }
        }
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
        try (Cluster cluster = Cluster.startOver(2, RedisClusterSet.start(2),
                Map.of("ENGINE_STREAMS", "3", "REDIS_WAIT_REPLICAS", "1"))) {
            String stream = cluster.prefix + "engine:in:{0}";
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
                Wait.until(BUDGET, () -> acked.size() >= 20, "events acknowledged before the kill");
                RedisClusterSet redis = (RedisClusterSet) cluster.backend;
                long killedAt = System.nanoTime();
                redis.killMasterOf(stream);
                Wait.until(BUDGET, () -> backAfter(ackedAt, killedAt) != null, () -> "events acknowledged again "
                        + "within " + BUDGET + "; refusals " + refusals);
                long backMs = backAfter(ackedAt, killedAt).toMillis();
                List<String> answers = new CopyOnWriteArrayList<>();
                Wait.until(BUDGET, () -> {
                    HttpResponse<String> published = Cluster.post(cluster.port(1), "/messages",
                            Cluster.messageTo(participant, "after-kill"), Cluster.ENGINE_KEY);
                    answers.add(published.statusCode() + " " + published.body());
                    Wait.settle(Duration.ofMillis(100));
                    return published.statusCode() == 202 && client.received("data", "tag").contains("after-kill");
                }, () -> "a message published through n1 reaches the client on n2: " + answers.subList(
                        Math.max(0, answers.size() - 2), answers.size()) + " received " + client.received("data", "tag")
                        + " health n1 " + Cluster.get(cluster.port(1), "/health", null).body() + " n2 "
                        + Cluster.get(cluster.port(2), "/health", null).body());
                System.out.printf("cluster failover through the server: events acknowledged again %d ms after the "
                        + "kill; %d acknowledged, %d refused %s%n", backMs, acked.size(), refusals.size(),
                        new HashSet<>(refusals));
            } finally {
                sender.interrupt();
                sender.join(15_000);
            }
            Set<String> codes = new HashSet<>(refusals);
            codes.remove("unavailable");
            assertEquals(Set.of(), codes, "refusals other than unavailable");
            Set<String> inStreams = new HashSet<>();
            Wait.until(BUDGET, () -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        for (StreamMessage<String, String> entry : cluster.redisCommands().xrange(
                                cluster.prefix + "engine:in:{" + i + "}", Range.create("-", "+"))) {
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
