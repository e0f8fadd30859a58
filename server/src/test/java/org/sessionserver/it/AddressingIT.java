package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * Messages posted by the engine ({@code POST /messages}) and who gets them. To prove "exactly once" without waiting
 * for an absence, each check is followed by a marker message to the whole participant: messages reach a connection
 * in order, so the marker must come right after whatever the connection was due.
 */
class AddressingIT {
    static final String ENGINE_KEY = "it-engine-key-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("ENGINE_KEY", ENGINE_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Three connections of one participant: two plain ones and a proxy. */
    private record Trio(SioClient a, SioClient b, SioClient proxy) implements AutoCloseable {
        static Trio of(String participant) {
            return new Trio(SioClient.to(server).token(participant).websocket().connect(),
                    SioClient.to(server).token(participant).polling().connect(),
                    SioClient.to(server).token(participant).auth("proxy", true).connect());
        }

        List<SioClient> all() {
            return List.of(a, b, proxy);
        }

        @Override
        public void close() {
            all().forEach(SioClient::close);
        }
    }

    static String message(String tag, String to) {
        return "{\"event\":{\"id\":\"" + tag + "\",\"type\":\"engine.reply\"},\"to\":" + to
                + ",\"data\":{\"tag\":\"" + tag + "\"}}";
    }

    static void post(String json) {
        HttpResponse<String> response = server.post("/messages", json, ENGINE_KEY);
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(TestServer.json("{\"ok\":true}"), TestServer.json(response));
    }

    static String tagOf(SioClient client) {
        return client.awaitNode("message").path("data").path("tag").asText();
    }

    /** Posts a marker to the whole participant and asserts each client's next message is it. */
    static void assertNextIsMarker(String participant, List<SioClient> clients) {
        post(message("marker", "[{\"participantId\":\"" + participant + "\"}]"));
        for (SioClient client : clients) {
            assertEquals("marker", tagOf(client), "a connection got more than it should, before the marker");
        }
    }

    @Test
    void entryWithoutSessionIdReachesEveryConnectionExactlyOnce() {
        try (Trio trio = Trio.of("addr-all")) {
            post(message("m1", "[{\"participantId\":\"addr-all\"}]"));
            for (SioClient client : trio.all()) {
                assertEquals("m1", tagOf(client));
            }
            assertNextIsMarker("addr-all", trio.all());
        }
    }

    @Test
    void entryWithSessionIdReachesThatSessionAndTheProxyOnly() {
        try (Trio trio = Trio.of("addr-one")) {
            post(message("m2", "[{\"participantId\":\"addr-one\",\"sessionId\":\"" + trio.a().sessionId() + "\"}]"));
            assertEquals("m2", tagOf(trio.a()));
            assertEquals("m2", tagOf(trio.proxy()));
            assertNextIsMarker("addr-one", trio.all()); // b's first message is the marker
        }
    }

    @Test
    void twoEntriesMatchingOneConnectionDeliverOnce() {
        try (Trio trio = Trio.of("addr-dup")) {
            String a = trio.a().sessionId();
            post(message("m3", "[{\"participantId\":\"addr-dup\",\"sessionId\":\"" + a + "\"},"
                    + "{\"participantId\":\"addr-dup\"},{\"participantId\":\"addr-dup\",\"sessionId\":\"" + a + "\"}]"));
            for (SioClient client : trio.all()) {
                assertEquals("m3", tagOf(client));
            }
            assertNextIsMarker("addr-dup", trio.all());
        }
    }

    @Test
    void messageForAnotherParticipantDoesNotArrive() {
        try (Trio trio = Trio.of("addr-mine")) {
            post(message("m4", "[{\"participantId\":\"addr-someone-else\"}]"));
            assertNextIsMarker("addr-mine", trio.all());
        }
    }

    @Test
    void clientReceivesTheMessageAsPosted() {
        try (SioClient client = SioClient.to(server).token("addr-json").connect()) {
            String json = "{\"event\":{\"id\":\"e\",\"n\":[1,2.50,{\"z\":null}],\"s\":\"\\u00e9\\n\"},"
                    + "\"to\":[{\"participantId\":\"addr-json\"}],\"data\":{\"b\":true,\"a\":-0.0}}";
            post(json);
            JsonNode received = client.awaitNode("message");
            assertEquals(TestServer.json(json).get("to"), received.get("to"));
            assertEquals(TestServer.json(json).get("event").get("s").asText(), received.get("event").get("s").asText());
            assertEquals(true, received.get("data").get("b").asBoolean());
        }
    }

    @Test
    void clientReceivesTheMessageByteForByte() {
        EioPolling.Session raw = new EioPolling(server.url()).open();
        assertEquals(200, raw.push("40{\"token\":\"addr-bytes\"}"));
        raw.until(p -> p.startsWith("42[\"session\""));
        String json = "{ \"to\" : [ {\"participantId\":\"addr-bytes\"} ],\n\t\"event\":{\"id\":\"e1\",\"n\":1.50E+1},"
                + "  \"data\" : {\"s\":\"\\u00e9\\/x\", \"big\": 12345678901234567890123} }";
        post(json);
        assertEquals("42[\"message\"," + json + "]", raw.next());
    }

    @Test
    void wrongOrMissingEngineKeyIsRefusedWith401() {
        String json = message("m5", "[{\"participantId\":\"addr-key\"}]");
        for (String key : new String[] {"wrong-engine-key-0123456789", null, ENGINE_KEY + "x"}) {
            HttpResponse<String> response = server.post("/messages", json, key);
            assertEquals(401, response.statusCode(), response.body());
            JsonNode body = TestServer.json(response);
            assertEquals(false, body.get("ok").asBoolean(), response.body());
            assertEquals("unauthorized", body.get("error").get("code").asText(), response.body());
        }
    }

    @Test
    void engineRoutesAreForbiddenWithoutEngineKeyConfigured() {
        try (TestServer keyless = TestServer.start()) {
            HttpResponse<String> response = keyless.post("/messages",
                    message("m6", "[{\"participantId\":\"x\"}]"), ENGINE_KEY);
            assertEquals(403, response.statusCode(), response.body());
            assertEquals("forbidden", TestServer.json(response).get("error").get("code").asText(), response.body());
            assertEquals(403, keyless.get("/connections", ENGINE_KEY).statusCode());
        }
    }

    @Test
    void messageWithoutToIsABadRequest() {
        for (String json : new String[] {"{\"event\":{},\"data\":{}}", "{\"event\":{},\"to\":[]}",
            "{\"to\":[{\"sessionId\":\"s\"}]}", "not json", "[]"}) {
            HttpResponse<String> response = server.post("/messages", json, ENGINE_KEY);
            assertEquals(400, response.statusCode(), json + " -> " + response.body());
            JsonNode body = TestServer.json(response);
            assertEquals(false, body.get("ok").asBoolean(), response.body());
            assertEquals("bad_request", body.get("error").get("code").asText(), response.body());
            assertTrue(body.get("error").get("message").isTextual(), response.body());
        }
    }
}
