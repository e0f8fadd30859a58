package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * The raw WebSocket endpoint {@code /ws} (DESIGN.md "Raw WebSocket endpoint") against a real server: the three ways
 * to authenticate and the {@code hello_ack}, proxy mode, failed auth and the hello timeout (1008), {@code message}
 * acks and refusals, {@code ping}/{@code pong}, errors that keep the connection, engine messages (echo and
 * {@code POST /messages}, raw and Socket.IO connections of one participant), and {@code GET /connections}. How
 * connections end (close codes, heartbeat): {@link RawWebSocketClosingIT}.
 *
 * <p>Server: {@code MAX_MESSAGE_SIZE=1024}, an engine key, {@code RATE_LIMIT_BURST=5}. The 10 s hello timeout runs
 * in the background from the start of the class, so the class takes about 10 s.
 */
class RawWebSocketIT {
    private static final int MAX_MESSAGE_SIZE = 1024;
    private static final String ENGINE_KEY = "raw-it-engine-key-0123456789";
    private static final String NODE_ID = "raw-it-node";
    private static final Set<String> SESSION_FIELDS = Set.of("participantId", "sessionId", "channelId", "nodeId",
            "proxy");

    private static TestServer server;
    /** Opened at the start without a token and never saying hello: closed by the hello timeout. */
    private static RawWsClient silent;

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", NODE_ID, "ENGINE_KEY", ENGINE_KEY,
                "MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE), "RATE_LIMIT_PER_SEC", "1",
                "RATE_LIMIT_BURST", "5");
        silent = RawWsClient.open(server, "");
    }

    @AfterAll
    static void stop() {
        if (silent != null) {
            silent.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers ----

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A {@code hello_ack}: the session fields, this participant and node, this proxy flag; returns the payload. */
    private static JsonNode assertHelloAck(JsonNode frame, String participant, boolean proxy, String nodeId) {
        assertEquals("hello_ack", frame.path("type").asText(), frame.toString());
        assertTrue(frame.path("ts").isTextual(), "ts: " + frame);
        Instant.parse(frame.get("ts").asText());
        JsonNode session = frame.get("payload");
        assertNotNull(session, frame.toString());
        assertEquals(SESSION_FIELDS, fieldNames(session), frame.toString());
        assertEquals(participant, session.get("participantId").asText(), frame.toString());
        assertTrue(session.get("sessionId").isTextual() && !session.get("sessionId").asText().isEmpty(),
                frame.toString());
        assertTrue(session.get("channelId").isTextual() && !session.get("channelId").asText().isEmpty(),
                frame.toString());
        assertEquals(nodeId, session.get("nodeId").asText(), frame.toString());
        assertEquals(proxy, session.get("proxy").asBoolean(!proxy), frame.toString());
        assertTrue(session.get("proxy").isBoolean(), frame.toString());
        return session;
    }

    /** A connection authenticated by query token; returns it after its hello_ack (kept as its session). */
    private static RawWsClient connected(TestServer target, String participant) {
        RawWsClient client = RawWsClient.open(target, "?token=" + participant);
        client.session(assertHelloAck(client.awaitType("hello_ack"), participant, false, target.nodeId()));
        return client;
    }

    private static JsonNode ack(RawWsClient client, String requestId) {
        JsonNode frame = client.await(f -> "ack".equals(f.path("type").asText())
                && requestId.equals(f.path("request_id").asText()));
        assertTrue(frame.path("ts").isTextual(), frame.toString());
        return frame.get("payload");
    }

    private static void assertRefused(String code, JsonNode payload) {
        assertEquals(Set.of("ok", "error"), fieldNames(payload), payload.toString());
        assertFalse(payload.get("ok").asBoolean(true), payload.toString());
        assertEquals(Set.of("code", "message"), fieldNames(payload.get("error")), payload.toString());
        assertEquals(code, payload.get("error").get("code").asText(), payload.toString());
        assertFalse(payload.get("error").get("message").asText().isEmpty(), payload.toString());
    }

    private static void assertError(JsonNode frame, String code, JsonNode requestId) {
        assertEquals("error", frame.path("type").asText(), frame.toString());
        assertEquals(requestId, frame.get("request_id"), "request_id of " + frame);
        assertEquals(code, frame.path("payload").path("code").asText(), frame.toString());
        assertFalse(frame.path("payload").path("message").asText().isEmpty(), frame.toString());
    }

    private static String event(String id, String participant) {
        return Events.validJson(id, participant);
    }

    /** A valid event whose compact JSON is exactly {@code bytes} long. */
    private static String eventOfSize(String id, String participant, int bytes) {
        ObjectNode event = (ObjectNode) TestServer.json(Events.validJson(id, participant));
        event.put("data", "");
        int base = event.toString().getBytes(StandardCharsets.UTF_8).length;
        event.put("data", "x".repeat(bytes - base));
        assertEquals(bytes, event.toString().getBytes(StandardCharsets.UTF_8).length);
        return event.toString();
    }

    private static JsonNode connections() {
        HttpResponse<String> response = server.get("/connections", ENGINE_KEY);
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response).get("connections");
    }

    private static JsonNode listed(String sessionId) {
        for (JsonNode entry : connections()) {
            if (sessionId.equals(entry.path("sessionId").asText())) {
                return entry;
            }
        }
        return null;
    }

    // ---- authentication ----

    @Test
    void queryTokenIsAnsweredByHelloAck() {
        try (RawWsClient client = RawWsClient.open(server, "?token=auth-query")) {
            JsonNode frame = client.next();
            assertHelloAck(frame, "auth-query", false, NODE_ID);
            assertNull(frame.get("request_id"), "no request to answer: " + frame);
        }
    }

    @Test
    void bearerHeaderIsAnsweredByHelloAck() {
        try (RawWsClient client = RawWsClient.open(server, "", "Authorization", "Bearer auth-bearer")) {
            assertHelloAck(client.next(), "auth-bearer", false, NODE_ID);
        }
    }

    @Test
    void helloFrameIsAnsweredByHelloAckWithItsRequestId() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            client.send("{\"type\":\"hello\",\"request_id\":\"h-1\",\"payload\":{\"token\":\"auth-hello\","
                    + "\"proxy\":false,\"client_meta\":{\"app\":\"it\"}}}");
            JsonNode frame = client.next();
            assertHelloAck(frame, "auth-hello", false, NODE_ID);
            assertEquals("h-1", frame.path("request_id").asText(), frame.toString());
            // a second hello is an error; the connection stays
            client.send("{\"type\":\"hello\",\"request_id\":\"h-2\",\"payload\":{\"token\":\"other\"}}");
            assertError(client.next(), "bad_request", TestServer.json("\"h-2\""));
            client.assertStillWorks("after-second-hello");
        }
    }

    @Test
    void proxyByHelloPayload() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            assertHelloAck(client.hello("proxy-hello", true), "proxy-hello", true, NODE_ID);
        }
    }

    @Test
    void proxyByHeaderWithQueryTokenAndWithHello() {
        try (RawWsClient client = RawWsClient.open(server, "?token=proxy-header", "x-proxy-message", "true")) {
            assertHelloAck(client.next(), "proxy-header", true, NODE_ID);
        }
        try (RawWsClient client = RawWsClient.open(server, "", "x-proxy-message", "true")) {
            assertHelloAck(client.hello("proxy-header-hello", false), "proxy-header-hello", true, NODE_ID);
        }
    }

    @Test
    void badQueryTokenClosesWith1008() {
        try (RawWsClient client = RawWsClient.open(server, "?token=%24%24bad%20token")) {
            assertError(client.next(), "unauthorized", null);
            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void badBearerTokenClosesWith1008() {
        try (RawWsClient client = RawWsClient.open(server, "", "Authorization", "Bearer bad/token")) {
            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void badHelloTokenClosesWith1008() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            client.send("hello", "bad-hello", "{\"token\":\"bad token!\",\"proxy\":false,\"client_meta\":{}}");
            assertError(client.next(), "unauthorized", TestServer.json("\"bad-hello\""));
            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void noHelloWithin10SecondsClosesWith1008() {
        assertEquals(1008, silent.awaitClose(Duration.ofSeconds(15)));
        long openMs = silent.openMillis();
        assertTrue(openMs >= 9_500 && openMs <= 12_500, "closed after " + openMs + " ms, expected ~10000");
    }

    // ---- message, ack, refusals ----

    @Test
    void messageIsAckedWithItsRequestIdAndEchoedAsMessage() {
        try (RawWsClient client = connected(server, "msg-echo")) {
            String event = event("evt_echo_1", "msg-echo");
            client.send("{\"type\":\"message\",\"request_id\":\"r-1\",\"payload\":" + event + "}");
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_echo_1\"}"), ack(client, "r-1"));
            JsonNode message = client.awaitType("message");
            assertEquals(Set.of("type", "payload"), fieldNames(message), message.toString());
            JsonNode payload = message.get("payload");
            assertEquals(TestServer.json(event), payload.get("event"), message.toString());
            assertEquals(TestServer.json("[{\"participantId\":\"msg-echo\"}]"), payload.get("to"), message.toString());
            assertTrue(payload.path("data").path("echo").asBoolean(), message.toString());
            assertEquals(NODE_ID, payload.path("data").path("nodeId").asText(), message.toString());
        }
    }

    @Test
    void refusalsAreAcksWithOkFalseAndTheConnectionStays() {
        try (RawWsClient client = connected(server, "msg-refused")) {
            client.send("message", "inv", "{\"type\":\"user.action\",\"source\":{\"id\":\"msg-refused\"}}");
            assertRefused("invalid_event", ack(client, "inv"));
            client.send("message", "forb", event("evt_forb", "someone-else"));
            assertRefused("forbidden_source", ack(client, "forb"));
            client.send("message", "big", eventOfSize("evt_big", "msg-refused", MAX_MESSAGE_SIZE + 50));
            assertRefused("too_large", ack(client, "big"));
            assertTrue(client.isOpen(), "closed after too_large");
            client.send("message", "fine", event("evt_fine", "msg-refused"));
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_fine\"}"), ack(client, "fine"));
        }
    }

    @Test
    void eventJustOverMaxMessageSizeIsTooLargeAndOneAtTheLimitPasses() {
        try (RawWsClient client = connected(server, "msg-size")) {
            client.send("message", "over", eventOfSize("evt_over", "msg-size", MAX_MESSAGE_SIZE + 1));
            assertRefused("too_large", ack(client, "over"));
            client.send("message", "at", eventOfSize("evt_at", "msg-size", MAX_MESSAGE_SIZE));
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_at\"}"), ack(client, "at"));
        }
    }

    @Test
    void sixthQuickEventIsRateLimited() {
        try (RawWsClient client = connected(server, "msg-rate")) {
            for (int i = 1; i <= 6; i++) {
                client.send("message", "rl-" + i, event("evt_rl_" + i, "msg-rate"));
            }
            for (int i = 1; i <= 5; i++) {
                assertTrue(ack(client, "rl-" + i).get("ok").asBoolean(), "event " + i);
            }
            assertRefused("rate_limited", ack(client, "rl-6"));
            client.assertStillWorks("after-rate");
        }
    }

    @Test
    void messageBeforeHelloIsAnUnauthorizedErrorAndTheConnectionStays() {
        try (RawWsClient client = RawWsClient.open(server, "")) {
            client.send("message", "early", event("evt_early", "msg-early"));
            assertError(client.next(), "unauthorized", TestServer.json("\"early\""));
            assertTrue(client.isOpen());
            assertHelloAck(client.hello("msg-early", false), "msg-early", false, NODE_ID);
            client.send("message", "later", event("evt_later", "msg-early"));
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_later\"}"), ack(client, "later"));
        }
    }

    // ---- ping, errors that keep the connection ----

    @Test
    void pingIsAnsweredByPongWithTheSameRequestId() {
        try (RawWsClient client = connected(server, "ping-pong")) {
            client.send("{\"type\":\"ping\",\"request_id\":\"p-1\"}");
            JsonNode pong = client.next();
            assertEquals("pong", pong.get("type").asText(), pong.toString());
            assertEquals("p-1", pong.get("request_id").asText(), pong.toString());
            client.send("{\"type\":\"ping\",\"request_id\":42}");
            assertEquals(TestServer.json("42"), client.awaitType("pong").get("request_id"));
        }
    }

    @Test
    void unknownTypeAndBadJsonGetErrorsAndTheConnectionStays() {
        try (RawWsClient client = connected(server, "bad-frames")) {
            client.send("{\"type\":\"subscribe\",\"request_id\":\"u-1\",\"payload\":{}}");
            assertError(client.next(), "unknown_event", TestServer.json("\"u-1\""));
            client.send("{not json");
            assertError(client.next(), "bad_request", null);
            client.send("[1,2]");
            assertError(client.next(), "bad_request", null);
            client.send("{\"request_id\":\"no-type\"}");
            assertError(client.next(), "bad_request", TestServer.json("\"no-type\""));
            String[] notStrings = {"42", "null", "[\"message\"]", "{}", "true"};
            for (int i = 0; i < notStrings.length; i++) {
                client.send("{\"type\":" + notStrings[i] + ",\"request_id\":\"t-" + i + "\"}");
                assertError(client.next(), "bad_request", TestServer.json("\"t-" + i + "\""));
            }
            client.assertStillWorks("after-bad-frames");
            client.send("message", "ok-after", event("evt_after_bad", "bad-frames"));
            assertTrue(ack(client, "ok-after").get("ok").asBoolean());
        }
    }

    // ---- engine messages ----

    @Test
    void postMessagesToTheParticipantReachesRawAndSocketIoConnections() {
        String participant = "deliver-p";
        try (RawWsClient raw = connected(server, participant);
             SioClient sio = SioClient.to(server).token(participant).connect()) {
            String message = "{\"event\":{\"type\":\"note\"},\"to\":[{\"participantId\":\"" + participant
                    + "\"}],\"data\":{\"text\":\"to all\"}}";
            HttpResponse<String> posted = server.post("/messages", message, ENGINE_KEY);
            assertEquals(202, posted.statusCode(), posted.body());
            JsonNode frame = raw.awaitType("message");
            assertEquals(TestServer.json(message), frame.get("payload"), frame.toString());
            assertEquals(TestServer.json(message), sio.awaitNode("message"));
        }
    }

    @Test
    void postMessagesToTheRawSessionReachesOnlyItAndProxies() {
        String participant = "deliver-s";
        try (RawWsClient target = connected(server, participant);
             RawWsClient sibling = connected(server, participant);
             RawWsClient proxy = RawWsClient.open(server, "");
             SioClient sio = SioClient.to(server).token(participant).connect()) {
            assertHelloAck(proxy.hello(participant, true), participant, true, NODE_ID);
            String sessionId = target.sessionId();
            String message = "{\"event\":{\"type\":\"note\"},\"to\":[{\"participantId\":\"" + participant
                    + "\",\"sessionId\":\"" + sessionId + "\"}],\"data\":{\"text\":\"to one\"}}";
            HttpResponse<String> posted = server.post("/messages", message, ENGINE_KEY);
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(TestServer.json(message), target.awaitType("message").get("payload"));
            assertEquals(TestServer.json(message), proxy.awaitType("message").get("payload"));
            sibling.assertNone(f -> "message".equals(f.path("type").asText()), Duration.ofMillis(500));
            sio.assertNone("message", Duration.ofMillis(100));
        }
    }

    // ---- GET /connections ----

    @Test
    void connectionsListsTheRawSessionWithTransportRaw() {
        String sessionId;
        try (RawWsClient client = RawWsClient.open(server, "?token=listed-raw", "x-proxy-message", "true")) {
            JsonNode session = assertHelloAck(client.next(), "listed-raw", true, NODE_ID);
            sessionId = session.get("sessionId").asText();
            JsonNode entry = listed(sessionId);
            assertNotNull(entry, "session " + sessionId + " not in " + connections());
            assertEquals("raw", entry.get("transport").asText(), entry.toString());
            assertEquals("listed-raw", entry.get("participantId").asText(), entry.toString());
            assertEquals(session.get("channelId"), entry.get("channelId"), entry.toString());
            assertEquals(NODE_ID, entry.get("nodeId").asText(), entry.toString());
            assertTrue(entry.get("proxy").asBoolean(), entry.toString());
            Instant.parse(entry.get("connectedAt").asText());
        }
        Await.until(() -> listed(sessionId) == null, () -> "session " + sessionId + " still listed after close");
    }
}
