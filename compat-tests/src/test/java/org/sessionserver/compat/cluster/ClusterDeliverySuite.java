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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * Three nodes over one Redis deployment (each subclass's), n1 running the echo engine: what reaches which connection,
 * wherever it landed.
 * "Exactly once" is checked after a short settle, so that a duplicate would have had time to arrive.
 */
abstract class ClusterDeliverySuite {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofMillis(500);
    /** Set by each deployment's subclass. */
    static Cluster cluster;
    private final List<ClusterClient> clients = new ArrayList<>();

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ClusterClient::close);
        clients.clear();
    }

    private ClusterClient connect(int node, String participant, boolean proxy) {
        ClusterClient client = ClusterClient.connect(cluster.port(node), participant, proxy);
        clients.add(client);
        assertEquals("n" + node, client.nodeId());
        return client;
    }

    /** Waits until every node's directory lists the sessions, so that routing does not race the registration. */
    private static void awaitListed(List<ClusterClient> sessions) {
        for (int node = 1; node <= 3; node++) {
            int port = cluster.port(node);
            Wait.until(WAIT, () -> {
                Map<String, JsonNode> listed = Cluster.connectionsOrNull(port);
                return listed != null && sessions.stream().allMatch(c -> listed.containsKey(c.sessionId()));
            }, "sessions listed on node " + node);
        }
    }

    private static void postMessage(int node, String json) {
        HttpResponse<String> response = Cluster.post(cluster.port(node), "/messages", json, Cluster.ENGINE_KEY);
        assertEquals(202, response.statusCode(), response.body());
    }

    private static JSONObject event(String id, String source) {
        return Cluster.event(id, source);
    }

    @Test
    void aParticipantsConnectionOnEachNodeGetsEachMessageExactlyOnce() {
        String participant = "alice";
        List<ClusterClient> trio = List.of(connect(1, participant, false), connect(2, participant, false),
                connect(3, participant, false));
        int count = 12;
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tag = "m" + i;
            tags.add(tag);
            postMessage(1 + i % 3, Cluster.messageTo(participant, tag)); // posted on every node in turn
        }
        for (ClusterClient client : trio) {
            Wait.until(WAIT, () -> client.messages.size() >= count,
                    () -> client.nodeId() + " got " + client.received("data", "tag"));
        }
        Wait.settle(SETTLE);
        for (ClusterClient client : trio) {
            List<String> received = client.received("data", "tag");
            assertEquals(count, received.size(), client.nodeId() + " got " + received);
            assertEquals(new HashSet<>(tags), new HashSet<>(received), client.nodeId() + " got " + received);
        }
    }

    @Test
    void aMessageToOneSessionReachesItAndTheProxiesButNotTheSibling() throws Exception {
        String participant = "bob";
        ClusterClient proxy1 = connect(1, participant, true);
        ClusterClient target = connect(2, participant, false);
        ClusterClient proxy3 = connect(3, participant, true);
        ClusterClient sibling = connect(3, participant, false);
        assertTrue(proxy1.session().optBoolean("proxy") && proxy3.session().optBoolean("proxy"));
        assertFalse(target.session().optBoolean("proxy") || sibling.session().optBoolean("proxy"));
        awaitListed(List.of(proxy1, target, proxy3, sibling));

        postMessage(1, Cluster.messageToSession(participant, target.sessionId(), "addressed"));
        // Messages of one publisher arrive in order: a marker to everyone, posted after, shows what came before it.
        postMessage(1, Cluster.messageTo(participant, "marker"));
        for (ClusterClient client : List.of(proxy1, target, proxy3, sibling)) {
            Wait.until(WAIT, () -> client.received("data", "tag").contains("marker"),
                    () -> client.nodeId() + " got " + client.received("data", "tag"));
        }
        Wait.settle(SETTLE);
        for (ClusterClient client : List.of(proxy1, target, proxy3)) {
            assertEquals(List.of("addressed", "marker"), client.received("data", "tag"),
                    "session " + client.sessionId() + " on " + client.nodeId());
        }
        assertEquals(List.of("marker"), sibling.received("data", "tag"), "the non-proxy sibling on n3");
    }

    @Test
    void acceptedEventsReachTheStreamOnceAndEchoToEveryConnectionOfTheSender() throws Exception {
        String participant = "carol";
        List<ClusterClient> trio = List.of(connect(1, participant, false), connect(2, participant, false),
                connect(3, participant, false));
        Set<String> accepted = new HashSet<>();
        Set<String> refused = new HashSet<>();
        Map<String, ClusterClient> sender = new HashMap<>();
        for (ClusterClient client : trio) {
            for (int i = 0; i < 2; i++) {
                String id = "evt-" + client.nodeId() + "-" + i;
                JSONObject ack = client.send(event(id, participant));
                assertTrue(ack.optBoolean("ok") && id.equals(ack.optString("id")) && ack.length() == 2, ack.toString());
                accepted.add(id);
                sender.put(id, client);
            }
            String forged = "forged-" + client.nodeId();
            JSONObject forbidden = client.send(event(forged, "mallory"));
            assertFalse(forbidden.optBoolean("ok", true), forbidden.toString());
            assertEquals("forbidden_source", forbidden.getJSONObject("error").getString("code"));
            refused.add(forged);
            String invalid = "invalid-" + client.nodeId();
            JSONObject bad = client.send(Cluster.jsonObject("{\"id\":\"" + invalid + "\",\"type\":\"\","
                    + "\"source\":{\"id\":\"" + participant + "\"},\"timestamp\":\"2025-10-28T22:45:00.000Z\"}"));
            assertEquals("invalid_event", bad.getJSONObject("error").getString("code"), bad.toString());
            refused.add(invalid);
        }

        // The echo engine answers each event with a message to every connection of its sender.
        for (ClusterClient client : trio) {
            Wait.until(WAIT, () -> client.messages.size() >= accepted.size(),
                    () -> client.nodeId() + " got " + client.received("event", "id"));
        }
        Wait.settle(SETTLE);
        for (ClusterClient client : trio) {
            List<String> echoed = client.received("event", "id");
            assertEquals(accepted.size(), echoed.size(), client.nodeId() + " got " + echoed);
            assertEquals(accepted, new HashSet<>(echoed));
            for (JSONObject message : client.messages) {
                JSONObject data = message.getJSONObject("data");
                String id = message.getJSONObject("event").getString("id");
                assertTrue(data.getBoolean("echo"));
                assertEquals(sender.get(id).sessionId(), data.getString("sessionId"), "where " + id + " came from");
                assertEquals(sender.get(id).nodeId(), data.getString("nodeId"));
            }
        }

        List<StreamMessage<String, String>> entries = cluster.redisCommands().xrange(cluster.prefix + "engine:in",
                Range.create("-", "+"));
        List<String> inStream = new ArrayList<>();
        for (StreamMessage<String, String> entry : entries) {
            JsonNode envelope = Cluster.JSON.readTree(entry.getBody().get("envelope"));
            if (participant.equals(envelope.path("participantId").asText())) {
                String id = envelope.path("event").path("id").asText();
                inStream.add(id);
                ClusterClient from = sender.get(id);
                if (from != null) {
                    assertEquals(from.sessionId(), envelope.path("sessionId").asText());
                    assertEquals(from.nodeId(), envelope.path("nodeId").asText());
                    assertFalse(envelope.path("channelId").asText().isEmpty());
                    assertFalse(envelope.path("receivedAt").asText().isEmpty());
                }
            }
        }
        assertEquals(accepted.size(), inStream.size(), "stream entries of " + participant + ": " + inStream);
        assertEquals(accepted, new HashSet<>(inStream));
        assertTrue(inStream.stream().noneMatch(refused::contains));
    }

    @Test
    void aRequestOnOneNodeReachesAClientOnAnotherAndReturnsItsAck() throws Exception {
        ClusterClient dave = connect(3, "dave", false);
        dave.answer("ask", data -> Cluster.jsonObject("{\"answer\":" + ((JSONObject) data).optInt("q") * 2
                + ",\"from\":\"dave\"}"));
        ClusterClient erin = connect(3, "erin", false);
        erin.ignore("ask");
        awaitListed(List.of(dave, erin));

        HttpResponse<String> answered = Cluster.post(cluster.port(1), "/participants/dave/request",
                "{\"event\":\"ask\",\"data\":{\"q\":21}}", Cluster.ENGINE_KEY);
        assertEquals(200, answered.statusCode(), answered.body());
        JsonNode body = Cluster.json(answered);
        assertEquals(42, body.path("data").path("answer").asInt(), answered.body());
        assertEquals("dave", body.path("data").path("from").asText(), answered.body());
        assertEquals(dave.sessionId(), body.path("sessionId").asText(), answered.body());

        HttpResponse<String> unknown = Cluster.post(cluster.port(1), "/participants/nobody/request",
                "{\"event\":\"ask\",\"data\":{}}", Cluster.ENGINE_KEY);
        assertEquals(404, unknown.statusCode(), unknown.body());

        long start = System.nanoTime();
        HttpResponse<String> silent = Cluster.post(cluster.port(1), "/participants/erin/request",
                "{\"event\":\"ask\",\"data\":{\"q\":1},\"timeoutMs\":300}", Cluster.ENGINE_KEY);
        long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(504, silent.statusCode(), silent.body());
        assertEquals("timeout", Cluster.json(silent).path("error").path("code").asText(), silent.body());
        assertTrue(elapsedMs >= 300 && elapsedMs < 3_000, "504 after " + elapsedMs + " ms");
    }
}
