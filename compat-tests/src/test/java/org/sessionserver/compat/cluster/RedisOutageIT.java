package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;
import org.sessionserver.it.support.TestServer;

/**
 * Redis stops and comes back, empty, while three nodes keep running with connected clients: during the outage
 * nothing is accepted that could be lost, and afterwards everything works again without restarting any node.
 */
class RedisOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Lettuce's reconnect backoff after a few seconds down, plus a heartbeat period. */
    private static final Duration RECOVERY = Duration.ofSeconds(15);
    private static final String PARTICIPANT = "gina";
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JSONObject event(String id) {
        return Cluster.event(id, PARTICIPANT);
    }

    private static double busUp(int node) {
        return TestServer.metric(Cluster.get(cluster.port(node), "/metrics", null).body(), "sessions_bus_up", null);
    }

    private static JsonNode health(int node) {
        return Cluster.json(Cluster.get(cluster.port(node), "/health", null));
    }

    private static boolean listsAll(List<ClusterClient> clients) {
        Map<String, JsonNode> listed = Cluster.connectionsOrNull(cluster.port(1));
        return listed != null && clients.stream().allMatch(c -> listed.containsKey(c.sessionId()));
    }

    @Test
    void duringAnOutageNothingIsAcceptedAndAfterwardsEverythingWorksAgain() throws Exception {
        List<ClusterClient> clients = new ArrayList<>();
        try {
            for (int node = 1; node <= 3; node++) {
                clients.add(ClusterClient.connect(cluster.port(node), PARTICIPANT));
            }
            ClusterClient onN2 = clients.get(1);
            Wait.until(WAIT, () -> listsAll(clients), "sessions listed before the outage");
            assertTrue(onN2.send(event("before")).optBoolean("ok"));
            for (ClusterClient client : clients) {
                Wait.until(WAIT, () -> client.received("event", "id").contains("before"), "echo before the outage");
            }

            cluster.redis.stop();
            for (int node = 1; node <= 3; node++) {
                int n = node;
                Wait.until(WAIT, () -> "degraded".equals(health(n).path("status").asText()), "n" + n + " degraded");
                HttpResponse<String> health = Cluster.get(cluster.port(node), "/health", null);
                assertEquals(503, health.statusCode(), health.body());
                JsonNode body = Cluster.json(health);
                assertEquals("down", body.path("redis").asText(), health.body());
                assertEquals("redis", body.path("bus").asText(), health.body());
                assertEquals(0, busUp(node), "sessions_bus_up while degraded (the SessionNodeDegraded alert)");
            }
            for (ClusterClient client : clients) {
                JSONObject ack = client.send(event("during-" + client.nodeId()));
                assertFalse(ack.optBoolean("ok", true), ack.toString());
                assertEquals("unavailable", ack.getJSONObject("error").getString("code"), ack.toString());
                assertTrue(client.connected(), "the connection stays open during the outage");
            }
            HttpResponse<String> httpEvent = Cluster.post(cluster.port(2), "/event", event("during-http").toString(),
                    PARTICIPANT);
            assertEquals(503, httpEvent.statusCode(), httpEvent.body());
            assertEquals("unavailable", Cluster.json(httpEvent).path("error").path("code").asText());
            HttpResponse<String> message = Cluster.post(cluster.port(3), "/messages",
                    Cluster.messageTo(PARTICIPANT, "during"), Cluster.ENGINE_KEY);
            assertEquals(503, message.statusCode(), message.body());

            cluster.redis.startAgain();
            long restarted = System.nanoTime();
            for (int node = 1; node <= 3; node++) {
                int n = node;
                Wait.until(RECOVERY, () -> Cluster.get(cluster.port(n), "/health", null).statusCode() == 200,
                        () -> "n" + n + " healthy again: " + health(n));
                assertEquals("up", health(node).path("redis").asText());
                assertEquals(1, busUp(node), "sessions_bus_up once healthy");
            }
            long healthyMs = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
            // Health says the links are open; the SUBSCRIBE that Lettuce replays goes out just after. Wait for it
            // rather than race it: each node's subscription to the engine's channel.
            Wait.until(WAIT, () -> cluster.redisCommands().pubsubNumsub("sio:engine:out")
                    .getOrDefault("sio:engine:out", 0L) == 3, "every node subscribed again");

            // Events are accepted again, reach the engine (its consumer group recreated) and echo on every node.
            JSONObject ack = onN2.send(event("after"));
            assertTrue(ack.optBoolean("ok"), ack.toString());
            for (ClusterClient client : clients) {
                Wait.until(WAIT, () -> client.received("event", "id").contains("after"),
                        () -> client.nodeId() + " got " + client.received("event", "id"));
            }
            // Engine messages posted on any node reach every node.
            HttpResponse<String> posted = Cluster.post(cluster.port(3), "/messages",
                    Cluster.messageTo(PARTICIPANT, "after-posted"), Cluster.ENGINE_KEY);
            assertEquals(202, posted.statusCode(), posted.body());
            for (ClusterClient client : clients) {
                Wait.until(WAIT, () -> client.received("data", "tag").contains("after-posted"),
                        () -> client.nodeId() + " got " + client.received("data", "tag"));
                assertFalse(client.received("event", "id").stream().anyMatch(id -> id.startsWith("during")),
                        "nothing refused during the outage may come through");
                assertTrue(client.disconnects.isEmpty(), "disconnected: " + client.disconnects);
            }
            // Each node's sharded channels (the participant's, its own) came back after a gap, which it counts.
            for (int node = 1; node <= 3; node++) {
                int n = node;
                Wait.until(WAIT, () -> TestServer.metric(Cluster.get(cluster.port(n), "/metrics", null).body(),
                        "sessions_bus_resubscribed_total", null) >= 2, "n" + n + " counts its channels resubscribed");
            }
            // The directory was emptied with Redis; each node's heartbeat writes its sessions again.
            Wait.until(Duration.ofMillis(Cluster.NODE_TTL_MS + 2_000), () -> listsAll(clients),
                    () -> "listed after the restart: " + Cluster.connectionsOrNull(cluster.port(1)));
            long relistedMs = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
            System.out.printf("after the Redis restart: all nodes healthy in %d ms, sessions listed again in %d ms%n",
                    healthyMs, relistedMs);

            List<String> inStream = new ArrayList<>();
            for (StreamMessage<String, String> entry : cluster.redisCommands().xrange("sio:engine:in",
                    Range.create("-", "+"))) {
                inStream.add(Cluster.JSON.readTree(entry.getBody().get("envelope")).path("event").path("id").asText());
            }
            assertEquals(List.of("after"), inStream, "the restarted stream holds only what was accepted since");
        } finally {
            clients.forEach(ClusterClient::close);
        }
    }
}
