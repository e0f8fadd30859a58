package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * {@code POST /event?wait}: the engine's answer in the response (the echo engine answers every event), as a stream
 * of Server-Sent Events, and 504 when no engine answers (a server that discards events).
 */
class EventWaitIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestServer echo;
    private static TestServer silent;

    @BeforeAll
    static void start() {
        echo = TestServer.start();
        silent = TestServer.start("ENGINE", "discard");
    }

    @AfterAll
    static void stop() {
        echo.close();
        silent.close();
    }

    private static HttpResponse<String> post(TestServer server, String query, String event, String token,
                                             String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/event" + query))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theEnginesAnswerComesBackInTheResponseAndTheSessionCloses() throws Exception {
        try (SioClient phone = SioClient.to(echo).token("waiter").connect()) {
            HttpResponse<String> answered = post(echo, "?wait=5000", Events.validJson("evt_w1", "waiter"), "waiter",
                    null);
            assertEquals(200, answered.statusCode(), answered.body());
            JsonNode body = TestServer.json(answered);
            assertEquals("evt_w1", body.path("id").asText(), answered.body());
            JsonNode message = body.get("message");
            assertEquals("evt_w1", message.path("event").path("id").asText(), answered.body());
            String waitingSession = message.path("data").path("sessionId").asText();
            assertTrue(waitingSession.startsWith("http_"), "the event came from a session of its own: " + waitingSession);
            assertEquals("evt_w1", phone.awaitNode("message").path("event").path("id").asText(),
                    "the echo reached the participant's other connections too");
        }
    }

    @Test
    void theStreamFormSendsEachAnswerAsAnEventThenEnds() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> streamed = post(echo, "?wait=700", Events.validJson("evt_w2", "streamer"), "streamer",
                "text/event-stream");
        long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertTrue(streamed.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        String[] events = streamed.body().split("\n\n");
        assertEquals(2, events.length, streamed.body());
        assertTrue(events[0].startsWith("event: message\ndata: {"), events[0]);
        assertEquals("evt_w2", TestServer.json(events[0].substring(events[0].indexOf("data: ") + 6))
                .path("event").path("id").asText());
        assertTrue(events[1].startsWith("event: timeout\ndata: "), "no final message: the wait ends it: " + events[1]);
        assertTrue(tookMs >= 700 && tookMs < 5_000, "ended after " + tookMs + " ms");
    }

    @Test
    void withoutAnAnswerTheWaitEndsIn504AndTheEventStaysAccepted() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> unanswered = post(silent, "?wait=300", Events.validJson("evt_w3", "nobody-answers"),
                "nobody-answers", null);
        long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(504, unanswered.statusCode(), unanswered.body());
        assertEquals("timeout", TestServer.json(unanswered).path("error").path("code").asText());
        assertTrue(unanswered.body().contains("evt_w3"), unanswered.body());
        assertTrue(tookMs >= 300 && tookMs < 3_000, "answered after " + tookMs + " ms");
    }

    @Test
    void aBadWaitOrABadEventIsRefused() throws Exception {
        for (String wait : new String[] {"0", "-5", "120001", "soon"}) {
            HttpResponse<String> refused = post(echo, "?wait=" + wait, Events.validJson("evt_w4", "p"), "p", null);
            assertEquals(400, refused.statusCode(), wait + ": " + refused.body());
        }
        HttpResponse<String> invalid = post(echo, "?wait=1000", "{\"id\":\"x\"}", "p", null);
        assertEquals(400, invalid.statusCode(), invalid.body());
        assertEquals("invalid_event", TestServer.json(invalid).path("error").path("code").asText());
    }
}
