package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Ack;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** The HTTP routes on the Socket.IO port. */
class HttpRoutesIT {
    private static final String ENGINE_KEY = AddressingIT.ENGINE_KEY;
    private static final String NODE_ID = "it-http-node";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("ENGINE_KEY", ENGINE_KEY, "NODE_ID", NODE_ID, "MAX_MESSAGE_SIZE", "1024");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertFailure(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = TestServer.json(response);
        assertEquals(false, body.get("ok").asBoolean(true), response.body());
        assertEquals(code, body.get("error").get("code").asText(), response.body());
        assertTrue(body.get("error").get("message").isTextual(), response.body());
    }

    @Test
    void healthIsOkWithNodeCountsAndMemoryBus() {
        try (SioClient one = SioClient.to(server).token("health-a").connect();
             SioClient two = SioClient.to(server).token("health-a").polling().connect();
             SioClient three = SioClient.to(server).token("health-b").connect()) {
            HttpResponse<String> response = server.get("/health", null);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode health = TestServer.json(response);
            assertEquals("ok", health.get("status").asText(), response.body());
            assertEquals(NODE_ID, health.get("nodeId").asText(), response.body());
            assertEquals("memory", health.get("bus").asText(), response.body());
            assertEquals("echo", health.get("engine").asText(), response.body());
            assertNull(health.get("warning"), response.body());
            assertTrue(health.get("connections").isInt() && health.get("connections").asInt() >= 3, response.body());
            assertTrue(health.get("participants").isInt() && health.get("participants").asInt() >= 2,
                    response.body());
        }
    }

    @Test
    void healthSaysLoudlyWhenEventsAreDiscarded() {
        try (TestServer discarding = TestServer.start("ENGINE", "discard")) {
            JsonNode health = TestServer.json(discarding.get("/health", null));
            assertEquals("discard", health.get("engine").asText(), health.toString());
            assertTrue(health.get("warning").asText().contains("dropped"), health.toString());
        }
    }

    @Test
    void metricsArePrometheusTextWithTheServerMeters() {
        try (SioClient client = SioClient.to(server).token("metrics-p").connect()) {
            client.send(Events.valid("evt_m", "metrics-p"));
            client.await("message");
            HttpResponse<String> response = server.get("/metrics", null);
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                    response.headers().toString());
            String text = response.body();
            for (String family : List.of("sessions_connections", "sessions_participants", "sessions_events_total",
                    "sessions_messages_delivered_total")) {
                assertTrue(text.contains("# TYPE " + family.replaceFirst("_total$", "") + " ")
                        || text.contains("# TYPE " + family + " "), "no # TYPE for " + family + " in\n" + text);
            }
            assertTrue(TestServer.metric(text, "sessions_connections", null) >= 1, text);
            assertTrue(TestServer.metric(text, "sessions_events_total", "result=\"accepted\"") >= 1, text);
            assertTrue(TestServer.metric(text, "sessions_messages_delivered_total", null) >= 1, text);
            Set<String> histograms = new TreeSet<>();
            for (String line : text.split("\n")) {
                int bucket = line.indexOf("_bucket{");
                if (!line.startsWith("#") && bucket > 0) {
                    histograms.add(line.substring(0, bucket));
                }
            }
            assertTrue(histograms.stream().filter(h -> h.contains("latency")).count() >= 2,
                    "latency histograms with _bucket series: " + histograms);
        }
    }

    @Test
    void postEventIsAcceptedWith202() {
        HttpResponse<String> response = server.post("/event", Events.validJson("evt_http", "http-p"), "http-p");
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_http\"}"), TestServer.json(response));
    }

    @Test
    void postEventReachesTheEngineWhoseEchoReachesTheParticipantsConnections() {
        try (SioClient client = SioClient.to(server).token("http-echo").connect()) {
            assertEquals(202, server.post("/event", Events.validJson("evt_http_echo", "http-echo"), "http-echo")
                    .statusCode());
            assertEquals("evt_http_echo", client.awaitNode("message").path("event").path("id").asText());
        }
    }

    @Test
    void postInvalidEventIsRefusedWith400() {
        assertFailure(server.post("/event", "{\"type\":\"x\",\"source\":{\"id\":\"http-p\"},\"timestamp\":\""
                + Instant.now() + "\"}", "http-p"), 400, "invalid_event");
        assertFailure(server.post("/event", "not json", "http-p"), 400, "invalid_event");
        assertFailure(server.post("/event", "[1]", "http-p"), 400, "invalid_event");
    }

    @Test
    void postEventWithoutOrWithBadTokenIsRefusedWith401() {
        String event = Events.validJson("evt_401", "http-p");
        assertFailure(server.post("/event", event, null), 401, "unauthorized");
        assertFailure(server.post("/event", event, "not a valid id"), 401, "unauthorized");
    }

    @Test
    void postEventFromAnotherSourceIsRefusedWith403() {
        assertFailure(server.post("/event", Events.validJson("evt_403", "someone-else"), "http-p"), 403,
                "forbidden_source");
    }

    @Test
    void postTooLargeEventIsRefusedWith413() {
        String event = Events.validJson("evt_413", "http-p").replace("{\"n\":1}", "\"" + "x".repeat(1100) + "\"");
        assertTrue(event.length() > 1100, event);
        assertFailure(server.post("/event", event, "http-p"), 413, "too_large");
    }

    @Test
    void bodiesOverTheTransportLimitGet413WithTheJsonErrorAndTheConnectionStaysUsable() {
        String twoMiB = "{\"data\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertFailure(server.post("/event", twoMiB, "http-p"), 413, "too_large");
        assertFailure(server.post("/messages", twoMiB, ENGINE_KEY), 413, "too_large");
        assertEquals(202, server.post("/event", Events.validJson("evt_after_413", "http-p"), "http-p").statusCode());
    }

    @Test
    void bodyOverTheTransportLimitWithConnectionCloseIsAnsweredBeforeTheConnectionCloses() throws Exception {
        byte[] body = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            Thread sender = new Thread(() -> {
                try {
                    java.io.OutputStream out = socket.getOutputStream();
                    out.write(("POST /messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                            + ENGINE_KEY + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (java.io.IOException e) {
                    // the server may close once it has answered; the answer is what this test reads
                }
            });
            sender.start();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            sender.join(5_000);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            JsonNode error = TestServer.json(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals("too_large", error.path("error").path("code").asText(), answer);
        }
    }

    @Test
    void connectionsListsEverySessionWithItsFields() {
        try (SioClient ws = SioClient.to(server).token("conn-a").connect();
             SioClient polling = SioClient.to(server).token("conn-a").polling().connect();
             SioClient proxy = SioClient.to(server).token("conn-b").auth("proxy", true).connect()) {
            HttpResponse<String> response = server.get("/connections", ENGINE_KEY);
            assertEquals(200, response.statusCode(), response.body());
            Map<String, JsonNode> bySession = new HashMap<>();
            for (JsonNode entry : TestServer.json(response).get("connections")) {
                bySession.put(entry.get("sessionId").asText(), entry);
            }
            Map<SioClient, String> transports = Map.of(ws, "websocket", polling, "polling", proxy, "websocket");
            for (Map.Entry<SioClient, String> expected : transports.entrySet()) {
                JSONObject session = expected.getKey().session();
                JsonNode entry = bySession.get(session.optString("sessionId"));
                assertNotNull(entry, "session " + session + " not in " + response.body());
                assertEquals(session.optString("participantId"), entry.get("participantId").asText());
                assertEquals(session.optString("channelId"), entry.get("channelId").asText());
                assertEquals(NODE_ID, entry.get("nodeId").asText());
                assertEquals(session.optBoolean("proxy"), entry.get("proxy").asBoolean(), entry.toString());
                assertTrue(entry.get("proxy").isBoolean(), entry.toString());
                assertEquals(expected.getValue(), entry.get("transport").asText(), entry.toString());
                Instant connectedAt = Instant.parse(entry.get("connectedAt").asText());
                assertTrue(connectedAt.isAfter(Instant.now().minusSeconds(60)), entry.toString());
            }
            assertFailure(server.get("/connections", null), 401, "unauthorized");
        }
    }

    @Test
    void requestRouteAnswersWithTheClientsAckValue() {
        try (SioClient client = SioClient.to(server).token("req-p").connect()) {
            client.socket().on("ask", args -> {
                Ack ack = (Ack) args[args.length - 1];
                JSONObject asked = (JSONObject) args[0];
                ack.call(Events.object("{\"answer\":42,\"echo\":" + asked + "}"));
            });
            HttpResponse<String> response = server.post("/participants/req-p/request",
                    "{\"event\":\"ask\",\"data\":{\"q\":\"life\"},\"timeoutMs\":3000}", ENGINE_KEY);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(TestServer.json("{\"ok\":true,\"sessionId\":\"" + client.sessionId()
                    + "\",\"data\":{\"answer\":42,\"echo\":{\"q\":\"life\"}}}"), TestServer.json(response));
        }
    }

    @Test
    void requestToAParticipantNotConnectedIs404() {
        assertFailure(server.post("/participants/nobody-here/request", "{\"event\":\"ask\",\"data\":{}}",
                ENGINE_KEY), 404, "not_found");
    }

    @Test
    void requestThatTheClientNeverAcksTimesOutWith504() {
        try (SioClient client = SioClient.to(server).token("req-silent").connect()) {
            client.socket().on("ask", args -> {
                // never acks
            });
            long start = System.nanoTime();
            HttpResponse<String> response = server.post("/participants/req-silent/request",
                    "{\"event\":\"ask\",\"data\":{},\"timeoutMs\":300}", ENGINE_KEY);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertFailure(response, 504, "timeout");
            if (tookMs < 250 || tookMs > 3000) {
                fail("answered after " + tookMs + " ms for timeoutMs 300");
            }
        }
    }
}
