package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.config.ConfigException;
import org.sessionserver.it.support.TestServer;

/**
 * Clients written for the gateways this server replaces (DESIGN.md, its last section), against a real server in
 * {@code AUTH_MODE=keys}: the {@code hello} with top-level {@code api_key} / {@code token}, {@code session_id},
 * {@code client_meta} and {@code ts}; {@code hello_ack}'s {@code session_id}; the server's {@code ts} in the client's
 * form; {@code client_meta} and {@code session_id} in {@code /connections} and {@code GET /participants/{id}}; a second
 * path of {@code RAW_WS_PATHS}; {@code GET /}; and the refusals. The seeds' own clients: {@code AgentSamplesIT}.
 */
class GatewayClientsIT {
    private static final String ENGINE_KEY = "gateway-clients-it-engine-key";
    private static final String AGENT_PATH = "/api/v1/clusters/agent/ws";
    private static final String INGRESS_HELLO = "{\"type\":\"hello\",\"ts\":1704067200000,"
            + "\"api_key\":\"sk-ingress\",\"session_id\":\"sess_001\","
            + "\"client_meta\":{\"app\":\"web\",\"sdk\":{\"name\":\"ingress-js\",\"v\":2}}}";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", "gateway-clients", "AUTH_MODE", "keys",
                "API_KEYS", "sk-ingress=ingress-user,sk-tunnel=tun_8f3a2c,sk-cluster=cluster-42",
                "ENGINE_KEY", ENGINE_KEY, "RAW_WS_PATHS", "/ws," + AGENT_PATH,
                "CLIENT_EVENTS", "agent_invoke,register,heartbeat");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void assertEpochMillisNow(JsonNode frame) {
        assertTrue(frame.path("ts").isIntegralNumber(), "ts in epoch ms: " + frame);
        long skew = Math.abs(System.currentTimeMillis() - frame.get("ts").asLong());
        assertTrue(skew < 60_000, "ts " + frame.get("ts") + " is now: " + frame);
    }

    private static void assertIsoNow(JsonNode frame) {
        assertTrue(frame.path("ts").isTextual(), "ts in ISO-8601: " + frame);
        Instant.parse(frame.get("ts").asText());
    }

    /** The answer to the frame of this {@code request_id}, asserted to be an {@code ack} that accepted it. */
    private static JsonNode acked(RawWsClient client, String requestId) {
        JsonNode ack = client.await(f -> requestId.equals(f.path("request_id").asText()));
        assertEquals("ack", ack.path("type").asText(), ack.toString());
        assertTrue(ack.path("payload").path("ok").asBoolean(), ack.toString());
        return ack;
    }

    /** The sessions of {@code /connections} and of {@code GET /participants/{id}} that have this session id. */
    private static JsonNode[] listed(String participantId, String sessionId) {
        HttpResponse<String> all = server.get("/connections", ENGINE_KEY);
        HttpResponse<String> one = server.get("/participants/" + participantId, ENGINE_KEY);
        assertEquals(200, all.statusCode(), all.body());
        assertEquals(200, one.statusCode(), one.body());
        JsonNode[] found = new JsonNode[2];
        for (JsonNode entry : TestServer.json(all).get("connections")) {
            if (sessionId.equals(entry.path("sessionId").asText())) {
                found[0] = entry;
            }
        }
        for (JsonNode entry : TestServer.json(one).get("connections")) {
            if (sessionId.equals(entry.path("sessionId").asText())) {
                found[1] = entry;
            }
        }
        return found;
    }

    @Test
    void anIngressHelloIsAnsweredWithItsSessionIdAndEpochMillis() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            client.send(INGRESS_HELLO);
            JsonNode ack = client.awaitType("hello_ack");
            assertEquals("sess_001", ack.path("session_id").asText(), ack.toString());
            assertEquals("ingress-user", ack.path("payload").path("participantId").asText(), ack.toString());
            assertNotEquals("sess_001", ack.path("payload").path("sessionId").asText(), "ours stays ours");
            assertEpochMillisNow(ack);
            // every later frame of the server keeps the client's form: ack of a named event, pong, error
            client.send("{\"type\":\"agent_invoke\",\"request_id\":\"r1\",\"ts\":1704067200001,"
                    + "\"payload\":{\"agent_id\":\"agentA\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}}");
            assertEpochMillisNow(acked(client, "r1"));
            client.send("ping", "p1", null);
            assertEpochMillisNow(client.await(f -> "p1".equals(f.path("request_id").asText())));
            client.send("tool_result", "t1", "{}");
            JsonNode refused = client.await(f -> "t1".equals(f.path("request_id").asText()));
            assertEquals("unknown_event", refused.path("payload").path("code").asText(), refused.toString());
            assertEpochMillisNow(refused);
        }
    }

    @Test
    void clientMetaAndSessionIdAreListedWithTheSession() {
        try (RawWsClient ingress = RawWsClient.open(server, "");
             RawWsClient plain = RawWsClient.open(server, "?token=sk-ingress")) {
            ingress.send(INGRESS_HELLO);
            String sessionId = ingress.awaitType("hello_ack").path("payload").path("sessionId").asText();
            String plainId = plain.awaitType("hello_ack").path("payload").path("sessionId").asText();
            JsonNode meta = TestServer.json(INGRESS_HELLO).get("client_meta");
            for (JsonNode entry : listed("ingress-user", sessionId)) {
                assertEquals("sess_001", entry.path("clientSessionId").asText(), String.valueOf(entry));
                assertEquals(meta, entry.get("clientMeta"), String.valueOf(entry));
                assertEquals("raw", entry.path("transport").asText(), String.valueOf(entry));
            }
            for (JsonNode entry : listed("ingress-user", plainId)) { // it said nothing of itself
                assertFalse(entry.has("clientSessionId") || entry.has("clientMeta"), String.valueOf(entry));
            }
        }
    }

    @Test
    void aTopLevelTokenWithAnIsoTimestampGetsOurSessionIdAndIsoTimes() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            client.send("{\"type\":\"hello\",\"request_id\":\"h1\",\"token\":\"sk-tunnel\","
                    + "\"timestamp\":\"2025-10-16T12:00:00Z\",\"client_meta\":{\"agent\":\"tunnel\"}}");
            JsonNode ack = client.awaitType("hello_ack");
            assertEquals("h1", ack.path("request_id").asText(), ack.toString());
            assertEquals("tun_8f3a2c", ack.path("payload").path("participantId").asText(), ack.toString());
            assertEquals(ack.path("payload").path("sessionId").asText(), ack.path("session_id").asText(),
                    "no session_id of its own: ours; " + ack);
            assertIsoNow(ack);
            JsonNode entry = listed("tun_8f3a2c", ack.path("session_id").asText())[1];
            assertEquals("tunnel", entry.path("clientMeta").path("agent").asText(), String.valueOf(entry));
            assertNull(entry.get("clientSessionId"), String.valueOf(entry));
        }
    }

    @Test
    void theControllerPathServesTheRawEndpoint() {
        try (RawWsClient agent = RawWsClient.openPath(server, AGENT_PATH, "Authorization", "Bearer sk-cluster")) {
            JsonNode ack = agent.awaitType("hello_ack");
            assertEquals("cluster-42", ack.path("payload").path("participantId").asText(), ack.toString());
            assertIsoNow(ack);
            agent.send("{\"type\":\"register\",\"request_id\":\"req_1\",\"timestamp\":\"2025-10-16T12:00:00Z\","
                    + "\"payload\":{\"agent_id\":\"my-agent-123\",\"name\":\"my-cluster\"}}");
            assertIsoNow(acked(agent, "req_1"));
        }
        try (RawWsClient byQuery = RawWsClient.openPath(server, AGENT_PATH + "?token=sk-cluster")) {
            assertEquals("cluster-42", byQuery.awaitType("hello_ack").path("payload").path("participantId").asText());
        }
        HttpResponse<String> other = server.get(AGENT_PATH + "x", null);
        assertEquals(404, other.statusCode(), other.body());
    }

    @Test
    void getRootAnswersAsHealth() {
        HttpResponse<String> root = server.get("/", null);
        HttpResponse<String> health = server.get("/health", null);
        assertEquals(200, root.statusCode(), root.body());
        assertEquals(TestServer.json(health).get("status"), TestServer.json(root).get("status"));
        assertEquals("gateway-clients", TestServer.json(root).path("nodeId").asText(), root.body());
        assertEquals(TestServer.json(health).properties().stream().map(e -> e.getKey()).toList(),
                TestServer.json(root).properties().stream().map(e -> e.getKey()).toList());
    }

    @Test
    void aBadApiKeyIsUnauthorizedAndClosedWith1008() {
        for (String field : new String[] {"api_key", "token"}) {
            try (RawWsClient client = RawWsClient.open(server, "")) {
                client.send("{\"type\":\"hello\",\"ts\":1704067200000,\"" + field + "\":\"sk-wrong\"}");
                JsonNode error = client.awaitType("error");
                assertEquals("unauthorized", error.path("payload").path("code").asText(), error.toString());
                assertEpochMillisNow(error); // answered in the form of the hello it answers
                assertEquals(1008, client.awaitClose(), field);
            }
        }
    }

    @Test
    void malformedHelloFieldsAreNamedAndAGoodHelloMayFollow() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            String[][] cases = {
                {"{\"type\":\"hello\",\"request_id\":\"m1\",\"api_key\":\"sk-ingress\",\"client_meta\":\"web\"}",
                    "bad_request", "client_meta must be a JSON object"},
                {"{\"type\":\"hello\",\"request_id\":\"m2\",\"api_key\":\"sk-ingress\",\"ts\":\"yesterday\"}",
                    "bad_request", "ts must be epoch milliseconds or an ISO-8601 instant"},
                {"{\"type\":\"hello\",\"request_id\":\"m3\",\"api_key\":\"sk-ingress\",\"token\":\"sk-tunnel\"}",
                    "bad_request", "api_key and token name different credentials"},
                {"{\"type\":\"hello\",\"request_id\":\"m4\",\"api_key\":\"sk-ingress\",\"session_id\":42}",
                    "bad_request", "session_id must be a string"},
                {"{\"type\":\"hello\",\"request_id\":\"m5\",\"api_key\":\"sk-ingress\",\"client_meta\":{\"x\":\""
                    + "m".repeat(5000) + "\"}}", "too_large", "client_meta is over 4096 bytes"},
            };
            for (String[] bad : cases) {
                client.send(bad[0]);
                String requestId = TestServer.json(bad[0]).get("request_id").asText();
                JsonNode error = client.await(f -> requestId.equals(f.path("request_id").asText()));
                assertEquals("error", error.path("type").asText(), error.toString());
                assertEquals(bad[1], error.path("payload").path("code").asText(), error.toString());
                assertTrue(error.path("payload").path("message").asText().startsWith(bad[2]), error.toString());
                assertTrue(client.isOpen(), "still open after " + bad[0]);
            }
            client.send(INGRESS_HELLO);
            assertEquals("sess_001", client.awaitType("hello_ack").path("session_id").asText());
        }
    }

    @Test
    void aPathThatAnotherRouteServesStopsTheStart() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TestServer.start("RAW_WS_PATHS", "/ws,/health"));
        assertTrue(e.getMessage().startsWith("RAW_WS_PATHS: /health is served by another route"), e.getMessage());
        assertThrows(ConfigException.class, () -> TestServer.start("RAW_WS_PATHS", "/topics/agents"));
    }
}
