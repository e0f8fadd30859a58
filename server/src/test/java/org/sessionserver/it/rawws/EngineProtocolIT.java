package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * What the engine does to connections beyond Messages (DESIGN.md "Engine protocol"), on raw and Socket.IO connections
 * of one node: named pushes, disconnects, and requests a raw connection answers.
 */
class EngineProtocolIT {
    private static final String ENGINE_KEY = "protocol-it-engine-key-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", "protocol-it", "ENGINE_KEY", ENGINE_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A raw connection with a token in its query, once its hello_ack came. */
    private static RawWsClient connected(TestServer target, String participant) {
        RawWsClient client = RawWsClient.open(target, "?token=" + participant);
        JsonNode ack = client.awaitType("hello_ack");
        assertEquals(participant, ack.path("payload").path("participantId").asText(), ack.toString());
        client.session(ack.get("payload"));
        return client;
    }

    /**
     * A named push: raw clients get {"type":name,"request_id","payload":data}, Socket.IO clients emit(name, data),
     * a recoverable Socket.IO session with its offset; reserved or malformed names are refused with 400.
     */
    @Test
    void aNamedPushReachesRawAndSocketIoConnectionsUnderItsName() throws Exception {
        String participant = "named-p";
        try (RawWsClient raw = connected(server, participant);
             SioClient sio = SioClient.to(server).token(participant).connect().record("register_success");
             SioClient recoverable = SioClient.to(server).token(participant).auth("recovery", true).connect()
                     .record("register_success")) {
            String message = "{\"name\":\"register_success\",\"requestId\":\"r-7\",\"to\":[{\"participantId\":\""
                    + participant + "\"}],\"data\":{\"agent\":\"a1\",\"n\":[1,2]}}";
            HttpResponse<String> posted = server.post("/messages", message, ENGINE_KEY);
            assertEquals(202, posted.statusCode(), posted.body());
            JsonNode frame = raw.awaitType("register_success");
            assertEquals(TestServer.json("\"r-7\""), frame.get("request_id"), frame.toString());
            assertEquals(TestServer.json("{\"agent\":\"a1\",\"n\":[1,2]}"), frame.get("payload"), frame.toString());
            assertEquals(TestServer.json("{\"agent\":\"a1\",\"n\":[1,2]}"), sio.awaitNode("register_success"));
            Object[] withOffset = recoverable.await("register_success");
            assertEquals(2, withOffset.length, "data, then the recovery offset");
            assertEquals("a1", ((org.json.JSONObject) withOffset[0]).getString("agent"));

            String numbered = "{\"name\":\"delta\",\"requestId\":42,\"to\":[{\"participantId\":\"" + participant
                    + "\"}]}";
            assertEquals(202, server.post("/messages", numbered, ENGINE_KEY).statusCode());
            JsonNode delta = raw.awaitType("delta");
            assertEquals(TestServer.json("42"), delta.get("request_id"));
            assertTrue(delta.get("payload").isNull(), delta.toString());
            sio.assertNone("message", Duration.ofMillis(200));
        }
        for (String bad : new String[] {"\"error\"", "\"hello_ack\"", "\"connect\"", "\"\"", "\"a b\"", "7"}) {
            String message = "{\"name\":" + bad + ",\"to\":[{\"participantId\":\"" + participant + "\"}]}";
            HttpResponse<String> refused = server.post("/messages", message, ENGINE_KEY);
            assertEquals(400, refused.statusCode(), bad + ": " + refused.body());
            assertEquals("bad_request", TestServer.json(refused).get("error").get("code").asText(), refused.body());
        }
        String requestIdAlone = "{\"requestId\":\"r\",\"to\":[{\"participantId\":\"" + participant + "\"}]}";
        assertEquals(400, server.post("/messages", requestIdAlone, ENGINE_KEY).statusCode());
    }

    /**
     * The engine disconnects a participant (every connection, Socket.IO and raw) or one session: Socket.IO clients get
     * a DISCONNECT ("io server disconnect": they do not reconnect by themselves), raw ones close 4403.
     */
    @Test
    void theEngineDisconnectsAParticipantOrOneSession() {
        String participant = "kicked";
        try (RawWsClient raw = connected(server, participant);
             SioClient sio = SioClient.to(server).token(participant).connect();
             SioClient other = SioClient.to(server).token("kept").connect();
             SioClient single = SioClient.to(server).token("kicked-once").connect()) {
            HttpResponse<String> kicked = server.request("DELETE", "/participants/" + participant + "/connections",
                    null, ENGINE_KEY);
            assertEquals(200, kicked.statusCode(), kicked.body());
            assertEquals(TestServer.json("{\"ok\":true,\"closed\":2}"), TestServer.json(kicked));
            assertEquals(4403, raw.awaitClose());
            assertEquals("io server disconnect", sio.await(Socket.EVENT_DISCONNECT)[0]);
            assertTrue(other.connected(), "another participant's connection stays");

            HttpResponse<String> none = server.request("DELETE", "/participants/" + participant + "/connections",
                    null, ENGINE_KEY);
            assertEquals(TestServer.json("{\"ok\":true,\"closed\":0}"), TestServer.json(none));
            HttpResponse<String> one = server.request("DELETE", "/sessions/" + single.sessionId(), null, ENGINE_KEY);
            assertEquals(TestServer.json("{\"ok\":true,\"closed\":1}"), TestServer.json(one), one.body());
            assertEquals("io server disconnect", single.await(Socket.EVENT_DISCONNECT)[0]);
            HttpResponse<String> unknown = server.request("DELETE", "/sessions/" + single.sessionId(), null, ENGINE_KEY);
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertEquals(401, server.request("DELETE", "/sessions/x", null, "wrong-key-0123456789").statusCode());
            assertEquals(405, server.request("GET", "/sessions/x", null, ENGINE_KEY).statusCode());
            assertEquals(405, server.request("POST", "/participants/kept/connections", "{}", ENGINE_KEY).statusCode());
            assertTrue(other.connected());
        }
    }

    /**
     * {@code POST /participants/{id}/request} reaches a raw connection as a request frame, which it answers with a
     * response frame; no answer in time is 504; a response nobody waits for gets an error.
     */
    @Test
    void aRawConnectionAnswersTheEnginesRequest() throws Exception {
        String participant = "raw-asked";
        try (RawWsClient raw = connected(server, participant)) {
            CompletableFuture<HttpResponse<String>> asked = CompletableFuture.supplyAsync(() -> server.post(
                    "/participants/" + participant + "/request", "{\"event\":\"status\",\"data\":{\"q\":1}}",
                    ENGINE_KEY));
            JsonNode request = raw.awaitType("request");
            assertEquals(TestServer.json("{\"event\":\"status\",\"data\":{\"q\":1}}"), request.get("payload"));
            raw.send("response", request.get("request_id").asText(), "{\"state\":\"idle\"}");
            HttpResponse<String> answered = asked.get(10, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals(TestServer.json("{\"state\":\"idle\"}"), TestServer.json(answered).get("data"));
            assertEquals(raw.sessionId(), TestServer.json(answered).get("sessionId").asText());

            raw.send("response", request.get("request_id").asText(), "{}");
            assertEquals("bad_request", raw.awaitType("error").get("payload").get("code").asText(), "answered twice");

            HttpResponse<String> silent = server.post("/participants/" + participant + "/request",
                    "{\"event\":\"status\",\"timeoutMs\":300}", ENGINE_KEY);
            assertEquals(504, silent.statusCode(), silent.body());
            raw.awaitType("request");
        }
    }

    /**
     * Client events beyond {@code message} obey the same limits as events: an oversized payload is {@code too_large}
     * and a burst past the rate limit {@code rate_limited}, on raw and Socket.IO connections alike, and the
     * connection stays.
     */
    @Test
    void namedClientEventsObeyTheSizeAndRateLimits() throws Exception {
        try (TestServer limited = TestServer.start("NODE_ID", "limits-it", "CLIENT_EVENTS", "tool_result",
                "MAX_MESSAGE_SIZE", "1024", "RATE_LIMIT_PER_SEC", "0.5", "RATE_LIMIT_BURST", "3");
             RawWsClient raw = connected(limited, "limited-raw");
             SioClient sio = SioClient.to(limited).token("limited-sio").connect()) {
            String big = "\"" + "x".repeat(1100) + "\"";
            raw.send("tool_result", "big", big);
            assertEquals("too_large", raw.await(frame -> "big".equals(frame.path("request_id").asText()))
                    .path("payload").path("error").path("code").asText());
            JsonNode sioBig = sio.emitWithAck("tool_result", new org.json.JSONObject("{\"v\":" + big + "}"));
            assertEquals("too_large", sioBig.path("error").path("code").asText(), sioBig.toString());

            for (int i = 1; i <= 3; i++) {
                raw.send("tool_result", "r" + i, "{\"n\":" + i + "}");
            }
            for (int i = 1; i <= 2; i++) {
                String id = "r" + i;
                assertTrue(raw.await(frame -> id.equals(frame.path("request_id").asText())).path("payload")
                        .path("ok").asBoolean(), "within the burst: " + id);
            }
            assertEquals("rate_limited", raw.await(frame -> "r3".equals(frame.path("request_id").asText()))
                    .path("payload").path("error").path("code").asText(), "the too_large one counted too");
            assertTrue(sio.emitWithAck("tool_result", 1).path("ok").asBoolean(), "sio: 2 of its burst left");
            assertTrue(sio.emitWithAck("tool_result", 2).path("ok").asBoolean());
            assertEquals("rate_limited", sio.emitWithAck("tool_result", 3).path("error").path("code").asText());
            assertTrue(sio.connected(), "the connection stays");
        }
    }
}
