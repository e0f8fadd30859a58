package org.sessionserver.compat.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;
import org.sessionserver.it.support.WsRecorder;

/**
 * The fixture's bare Engine.IO v4 endpoint, {@code /engine.io/}, which the public Engine.IO v4 suite is pointed at:
 * the handshake with the fixture's timings, and every message echoed as it came (text or binary), on both transports.
 */
class BareEngineIoEndpointIT {
    private static final String PATH = "/engine.io/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static FixtureTarget target;

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
    }

    private static HttpResponse<String> send(String method, String query, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.httpUrl() + PATH + "?" + query))
                .timeout(Duration.ofSeconds(5));
        request = body == null ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void handshakeHasTheFixtureTimingsAndTheFiveKeys() throws Exception {
        HttpResponse<String> open = send("GET", "EIO=4&transport=polling", null);
        assertEquals(200, open.statusCode(), open.body());
        assertTrue(open.body().startsWith("0{"), open.body());
        JsonNode handshake = json(open.body().substring(1));
        Set<String> keys = new java.util.TreeSet<>();
        handshake.fieldNames().forEachRemaining(keys::add);
        assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"), keys, open.body());
        assertEquals(300, handshake.get("pingInterval").asInt());
        assertEquals(200, handshake.get("pingTimeout").asInt());
        assertEquals(1_000_000, handshake.get("maxPayload").asInt());
    }

    @Test
    void textSentOverPollingComesBackOnTheNextPoll() throws Exception {
        HttpResponse<String> open = send("GET", "EIO=4&transport=polling", null);
        String sid = json(open.body().substring(1)).get("sid").asText();
        HttpResponse<String> post = send("POST", "EIO=4&transport=polling&sid=" + sid, "4hello\u001e4world");
        assertEquals("ok", post.body());
        StringBuilder polled = new StringBuilder();
        while (!polled.toString().contains("4world")) {
            HttpResponse<String> poll = send("GET", "EIO=4&transport=polling&sid=" + sid, null);
            assertEquals(200, poll.statusCode(), poll.body());
            if (poll.body().equals("2")) {
                send("POST", "EIO=4&transport=polling&sid=" + sid, "3"); // a due ping, answered
                continue;
            }
            polled.append(poll.body());
        }
        assertEquals("4hello\u001e4world", polled.toString());
    }

    @Test
    void textAndBinaryOverWebSocketComeBackAsTheyCame() {
        try (WsRecorder ws = WsRecorder.open(URI.create(target.wsUrl() + PATH + "?EIO=4&transport=websocket"), true)) {
            ws.expectOpenPacket();
            ws.sendText("4hello");
            ws.expectText("4hello");
            byte[] bytes = {0, 1, 2, (byte) 0xff};
            ws.sendBinary(bytes);
            assertArrayEquals(bytes, ws.nextBinary());
        }
    }
}
