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
import org.sessionserver.bus.redis.EngineClient;
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

    /**
     * Routed delivery: a message reaches only the nodes that hold one of its recipients, whichever node it was posted
     * on, for participant and topic entries alike; a message an engine PUBLISHes on engine:out still reaches every
     * node.
     */
    @Test
    void onlyTheNodesThatHoldARecipientReceiveAMessage() throws Exception {
        String alone = "routed-" + System.nanoTime(); // on n1 only, now and for the last IDLE_MS
        ClusterClient client = connect(1, alone, false);
        String room = alone + "-room";
        HttpResponse<String> joined = Cluster.request(cluster.port(2), "PUT", "/topics/" + room + "/members/" + alone,
                null, Cluster.ENGINE_KEY);
        assertEquals(200, joined.statusCode(), joined.body());
        long[] before = routedOnEachNode();
        int count = 50;
        for (int i = 0; i < count; i++) {
            postMessage(2 + i % 2, i % 5 == 0 ? "{\"to\":[{\"topic\":\"" + room + "\"}],\"data\":{\"tag\":\"t" + i
                    + "\"}}" : Cluster.messageTo(alone, "m" + i));
        }
        Wait.until(WAIT, () -> client.messages.size() >= count, () -> "got " + client.received("data", "tag"));
        cluster.redisCommands().publish(cluster.prefix + "engine:out", Cluster.messageTo(alone, "legacy"));
        Wait.until(WAIT, () -> client.messages.size() > count, "the message published on engine:out");
        Wait.settle(SETTLE);
        long[] after = routedOnEachNode();
        assertEquals(count + 1, after[0] - before[0], "messages routed by n1, which holds the client");
        assertEquals(1, after[1] - before[1], "messages routed by n2: the engine:out one only");
        assertEquals(1, after[2] - before[2], "messages routed by n3: the engine:out one only");
        assertEquals(count + 1, client.messages.size());
    }

    /** The engine disconnects a participant's connections on every node, from a node that holds none of them. */
    @Test
    void aDisconnectReachesTheConnectionsOfTheParticipantOnEveryNode() {
        String participant = "kicked-" + System.nanoTime();
        List<ClusterClient> pair = List.of(connect(1, participant, false), connect(2, participant, true));
        ClusterClient bystander = connect(2, "bystander-" + System.nanoTime(), false);
        awaitListed(pair);
        HttpResponse<String> kicked = Cluster.request(cluster.port(3), "DELETE",
                "/participants/" + participant + "/connections", null, Cluster.ENGINE_KEY);
        assertEquals(200, kicked.statusCode(), kicked.body());
        assertEquals("{\"ok\":true,\"closed\":2}", kicked.body());
        for (ClusterClient client : pair) {
            Wait.until(WAIT, () -> client.disconnects.contains("io server disconnect"),
                    () -> client.nodeId() + " disconnects: " + client.disconnects);
        }
        Wait.settle(SETTLE);
        assertTrue(bystander.connected());
        assertTrue(pair.stream().noneMatch(ClusterClient::connected), "no client reconnected by itself");
    }

    /**
     * CLIENT_EVENTS: client events of the listed names reach the engine in their own envelope, acked like message
     * (Socket.IO: the ack; raw: ack with the frame's request_id); other names are refused with unknown_event.
     */
    @Test
    void clientEventsOfTheListedNamesReachTheStreamInTheirEnvelope() throws Exception {
        String participant = "agent-" + System.nanoTime();
        ClusterClient sio = connect(2, participant, false);
        try (RawAgent raw = RawAgent.connect(cluster.port(3), participant)) {
            JSONObject ack = sio.emit("agent_invoke", Cluster.jsonObject("{\"prompt\":\"hi\",\"n\":[1,2]}"));
            assertEquals("{\"ok\":true}", ack.toString());
            JSONObject refused = sio.emit("cancel_run", Cluster.jsonObject("{}"));
            assertEquals("unknown_event", refused.getJSONObject("error").getString("code"), refused.toString());
            raw.send("{\"type\":\"tool_result\",\"request_id\":\"r-9\",\"payload\":\"42\"}");
            raw.send("{\"type\":\"approval_decision\",\"request_id\":\"r-10\",\"payload\":{}}");
            Wait.until(WAIT, () -> raw.frames.size() >= 2, () -> "raw frames: " + raw.frames);
            // the refusal is at once, the ack once the bus took the event: by request_id, not by order
            JsonNode acked = frameOf(raw, "r-9");
            assertEquals("ack", acked.path("type").asText(), raw.frames.toString());
            assertEquals("{\"ok\":true}", acked.path("payload").toString(), raw.frames.toString());
            JsonNode refusedRaw = frameOf(raw, "r-10");
            assertEquals("unknown_event", refusedRaw.path("payload").path("code").asText(), raw.frames.toString());

            Map<String, JsonNode> byName = new HashMap<>();
            for (StreamMessage<String, String> entry : cluster.redisCommands().xrange(cluster.prefix + "engine:in",
                    Range.create("-", "+"))) {
                JsonNode envelope = Cluster.JSON.readTree(entry.getBody().get("envelope"));
                if (participant.equals(envelope.path("participantId").asText())) {
                    byName.put(envelope.path("name").asText(), envelope);
                }
            }
            assertEquals(Set.of("agent_invoke", "tool_result"), byName.keySet(), byName.toString());
            JsonNode invoke = byName.get("agent_invoke");
            assertEquals(Cluster.JSON.readTree("{\"prompt\":\"hi\",\"n\":[1,2]}"), invoke.get("payload"));
            assertEquals(sio.sessionId(), invoke.path("sessionId").asText());
            assertEquals("n2", invoke.path("nodeId").asText());
            assertFalse(invoke.has("event") || invoke.has("requestId"), invoke.toString());
            assertFalse(invoke.path("channelId").asText().isEmpty() || invoke.path("receivedAt").asText().isEmpty());
            JsonNode result = byName.get("tool_result");
            assertEquals("\"42\"", result.get("payload").toString());
            assertEquals("r-9", result.path("requestId").asText());
            assertEquals(raw.sessionId(), result.path("sessionId").asText());
            assertEquals("n3", result.path("nodeId").asText());
        }
    }

    /**
     * A raw agent registers and an engine answers it (EngineClient.reply): the answer is a named push that comes back
     * to that connection with the request_id of the register frame, across nodes.
     */
    @Test
    void aRawAgentRegistersAndTheEnginesReplyReturnsWithItsRequestId() throws Exception {
        String agent = "registrar-" + System.nanoTime();
        try (EngineClient engine = cluster.engine("registrar-engine", "w1");
             RawAgent raw = RawAgent.connect(cluster.port(3), agent)) {
            engine.onEvent(envelope -> {
                if (envelope.isNamed() && "register".equals(envelope.name())
                        && agent.equals(envelope.participantId())) {
                    engine.reply(envelope, "register_success", Cluster.JSON.createObjectNode()
                            .put("agentId", envelope.payload().path("name").asText()));
                }
            });
            raw.send("{\"type\":\"register\",\"request_id\":\"reg-1\",\"payload\":{\"name\":\"a-1\"}}");
            Wait.until(WAIT, () -> raw.frames.stream()
                    .anyMatch(f -> f.path("type").asText().equals("register_success")), () -> "frames: " + raw.frames);
            JsonNode success = raw.frames.stream().filter(f -> f.path("type").asText().equals("register_success"))
                    .findFirst().orElseThrow();
            assertEquals("reg-1", success.path("request_id").asText(), success.toString());
            assertEquals("a-1", success.path("payload").path("agentId").asText(), success.toString());
        }
    }

    private static JsonNode frameOf(RawAgent raw, String requestId) {
        return raw.frames.stream().filter(frame -> requestId.equals(frame.path("request_id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no frame answers " + requestId + ": " + raw.frames));
    }

    /** {@code sessions_messages_routed_total} of each node: the engine messages it received. */
    private static long[] routedOnEachNode() {
        long[] routed = new long[3];
        for (int node = 1; node <= 3; node++) {
            String metrics = Cluster.get(cluster.port(node), "/metrics", Cluster.ENGINE_KEY).body();
            routed[node - 1] = metrics.lines().filter(line -> line.startsWith("sessions_messages_routed_total"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElseThrow(() -> new AssertionError("no sessions_messages_routed_total"));
        }
        return routed;
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

    /**
     * {@code POST /event?wait} on n2: the echo engine (n1) answers through Redis and the wait returns it; the stream
     * form ends at the first Message with {@code "final":true}, here from an engine of the test's own.
     */
    @Test
    void aWaitOnOneNodeIsAnsweredFromAnotherAndItsStreamEndsAtTheFinalMessage() throws Exception {
        String participant = "waiter-" + System.nanoTime();
        HttpResponse<String> waited = Cluster.post(cluster.port(2), "/event?wait=5000",
                Cluster.event("wait-1", participant).toString(), participant);
        assertEquals(200, waited.statusCode(), waited.body());
        assertEquals("wait-1", Cluster.json(waited).path("message").path("event").path("id").asText(), waited.body());

        try (EngineClient engine = cluster.engine("streaming-engine", "w1")) {
            engine.onEvent(envelope -> {
                if (!envelope.isNamed() && participant.equals(envelope.participantId())) {
                    for (String part : List.of("first", "last")) {
                        String message = "{\"to\":[{\"participantId\":\"" + participant + "\",\"sessionId\":\""
                                + envelope.sessionId() + "\"}],\"data\":{\"part\":\"" + part + "\"}"
                                + (part.equals("last") ? ",\"final\":true}" : "}");
                        postMessage(1, message);
                    }
                }
            });
            long start = System.nanoTime();
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + cluster.port(2) + "/event?wait=8000"))
                    .header("Authorization", "Bearer " + participant).header("Accept", "text/event-stream")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            Cluster.event("wait-2", participant).toString())).build();
            HttpResponse<String> streamed = java.net.http.HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString());
            long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(200, streamed.statusCode(), streamed.body());
            List<String> parts = streamed.body().lines().filter(line -> line.startsWith("data: "))
                    .map(line -> Cluster.jsonObject(line.substring(6)).optJSONObject("data"))
                    .map(data -> data == null ? "" : data.optString("part"))
                    .filter(part -> !part.isEmpty()).toList();
            assertEquals(List.of("first", "last"), parts, streamed.body());
            assertFalse(streamed.body().contains("event: timeout"), streamed.body());
            assertTrue(elapsedMs < 8_000, "ended at the final message, after " + elapsedMs + " ms");
        }
    }

    /** {@code POST /participants/{id}/request} on n1 reaches a raw agent on n3 and returns its response. */
    @Test
    void aRequestOnOneNodeReachesARawAgentOnAnotherAndReturnsItsResponse() throws Exception {
        String agent = "asked-" + System.nanoTime();
        try (RawAgent raw = RawAgent.connect(cluster.port(3), agent)) {
            Thread answerer = new Thread(() -> {
                Wait.until(WAIT, () -> raw.frames.stream().anyMatch(f -> f.path("type").asText().equals("request")),
                        "a request frame");
                JsonNode asked = raw.frames.stream().filter(f -> f.path("type").asText().equals("request"))
                        .findFirst().orElseThrow();
                raw.send("{\"type\":\"response\",\"request_id\":" + asked.path("request_id")
                        + ",\"payload\":{\"status\":\"idle\",\"asked\":" + asked.path("payload") + "}}");
            });
            answerer.start();
            HttpResponse<String> answered = Cluster.post(cluster.port(1), "/participants/" + agent + "/request",
                    "{\"event\":\"status\",\"data\":{\"verbose\":true}}", Cluster.ENGINE_KEY);
            answerer.join(WAIT.toMillis());
            assertEquals(200, answered.statusCode(), answered.body());
            JsonNode body = Cluster.json(answered);
            assertEquals("idle", body.path("data").path("status").asText(), answered.body());
            assertEquals("status", body.path("data").path("asked").path("event").asText(), answered.body());
            assertEquals(raw.sessionId(), body.path("sessionId").asText(), answered.body());

            HttpResponse<String> silent = Cluster.post(cluster.port(1), "/participants/" + agent + "/request",
                    "{\"event\":\"status\",\"data\":{},\"timeoutMs\":300}", Cluster.ENGINE_KEY);
            assertEquals(504, silent.statusCode(), silent.body());
        }
    }
}
