package org.sessionserver.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.JwksEndpoint;
import org.sessionserver.it.support.JwtTokens;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * JWKS_URL against an endpoint the test serves on loopback and rotates: a new kid is picked up on Socket.IO, raw
 * {@code /ws} and {@code POST /event}; unknown kids refetch at most once per interval (2 s here, 30 s by default); a
 * slow or dead endpoint never stalls a token whose key is cached.
 */
class JwksIT {
    private static final String UNAUTHORIZED = "{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}";
    private static final String ISSUER = "https://id.example.test/";
    private static final String AUDIENCE = "session-server";
    private static final RSAKey K1 = JwtTokens.rsa("k1");
    private static final ECKey K2 = JwtTokens.ec(Curve.P_256, "k2");
    private static final RSAKey K3 = JwtTokens.rsa("k3");
    private static final ECKey K4 = JwtTokens.ec(Curve.P_384, "k4");

    private JwksEndpoint endpoint;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private void start(Duration interval, JWK... keys) {
        endpoint = JwksEndpoint.start(List.of(keys));
        server = TestServer.start("AUTH_MODE", "jwt", "JWKS_URL", endpoint.url(), "JWT_ISSUER", ISSUER,
                "JWT_AUDIENCE", AUDIENCE, "JWKS_REFETCH_INTERVAL_MS", Long.toString(interval.toMillis()));
        endpoint.awaitFetches(1); // the start's fetch
    }

    private static String token(JWK key, String participant) {
        JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256
                : ((ECKey) key).getCurve().equals(Curve.P_384) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256;
        return JwtTokens.signed(key, alg, JwtTokens.claims(participant).issuer(ISSUER).audience(AUDIENCE).build());
    }

    private static String event(String participant) {
        return "{\"id\":\"evt_jwks\",\"type\":\"t\",\"source\":{\"id\":\"" + participant + "\"},\"timestamp\":\""
                + Instant.now() + "\"}";
    }

    private int postEvent(String token, String participant) {
        return server.post("/event", event(participant), token).statusCode();
    }

    private String rawParticipant(String token) throws Exception {
        try (HandWebSocket socket = HandWebSocket.open(server.port(), "/ws?token=" + token)) {
            HandWebSocket.Frame frame = socket.read(TestServer.WAIT);
            if (frame == null || frame.isEnd() || frame.opcode() != HandWebSocket.TEXT) {
                return "closed: " + frame;
            }
            com.fasterxml.jackson.databind.JsonNode answer = TestServer.json(frame.text());
            return answer.path("type").asText().equals("hello_ack")
                    ? answer.path("payload").path("participantId").asText() : "refused: " + frame.text();
        }
    }

    @Test
    void aRotatedKeyIsPickedUpOnEveryEndpointAndRefetchesAreRateLimited() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        start(interval, K1);
        try (SioClient client = SioClient.to(server).token(token(K1, "alice")).connect()) {
            assertEquals("alice", client.session().optString("participantId"));
        }

        endpoint.serve(List.of(K1, K2)); // k2 published by the identity provider
        endpoint.awaitQuietFor(interval);
        try (SioClient client = SioClient.to(server).token(token(K2, "bob")).connect()) {
            assertEquals("bob", client.session().optString("participantId"), "Socket.IO waited for the new kid");
        }
        assertEquals(2, endpoint.fetches());

        endpoint.serve(List.of(K2, K3));
        assertEquals(401, postEvent(token(K3, "carol"), "carol"), "within the interval: no refetch, refused");
        assertEquals(401, postEvent(token(K3, "carol"), "carol"));
        assertTrue(endpoint.sinceLastFetch().compareTo(interval) < 0, "the refusals came within the interval");
        assertEquals(2, endpoint.fetches(), "unknown kids within the interval fetch nothing");
        endpoint.awaitQuietFor(interval);
        assertEquals(202, postEvent(token(K3, "carol"), "carol"), "POST /event waited for the new kid");
        assertEquals(3, endpoint.fetches());
        assertEquals(401, postEvent(token(K1, "alice"), "alice"), "k1 left the set: it no longer verifies");

        endpoint.serve(List.of(K3, K4));
        endpoint.awaitQuietFor(interval);
        assertEquals("dave", rawParticipant(token(K4, "dave")), "raw /ws waited for the new kid");
        assertEquals(4, endpoint.fetches());

        // issuer and audience are enforced, and a token of another issuer never makes a fetch
        endpoint.awaitQuietFor(interval);
        String otherIssuer = JwtTokens.signed(K4, JWSAlgorithm.ES384, JwtTokens.claims("eve")
                .issuer("https://evil.example.test/").audience(AUDIENCE).build());
        String otherAudience = JwtTokens.signed(K4, JWSAlgorithm.ES384, JwtTokens.claims("eve").issuer(ISSUER)
                .audience("billing").build());
        assertEquals(TestServer.json(UNAUTHORIZED),
                TestServer.json(SioClient.to(server).token(otherIssuer).refused().toString()));
        assertEquals(401, postEvent(otherAudience, "eve"));
        assertTrue(rawParticipant(otherAudience).startsWith("refused: "));
        assertEquals(4, endpoint.fetches());
    }

    @Test
    void aSlowOrDeadEndpointNeverStallsATokenWhoseKeyIsCached() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        start(interval, K1);
        endpoint.awaitQuietFor(interval);
        endpoint.hold(); // the identity provider stops answering
        CompletableFuture<HttpResponse<String>> unknownKid = server.httpClient().sendAsync(HttpRequest.newBuilder(
                URI.create(server.url() + "/event")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token(K2, "bob"))
                .POST(HttpRequest.BodyPublishers.ofString(event("bob"), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        endpoint.awaitFetches(2); // the fetch for k2 hangs from here on

        long started = System.nanoTime();
        try (SioClient client = SioClient.to(server).token(token(K1, "alice")).connect()) {
            assertEquals("alice", client.session().optString("participantId"));
        }
        assertEquals("alice", rawParticipant(token(K1, "alice")));
        assertEquals(202, postEvent(token(K1, "alice"), "alice"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs < 2_000, "cached-key connections took " + tookMs + " ms while the JWKS fetch hung");
        assertFalse(unknownKid.isDone(), "the unknown kid waits for the fetch");

        endpoint.serve(List.of(K1, K2));
        endpoint.release();
        assertEquals(202, unknownKid.get(10, TimeUnit.SECONDS).statusCode(), "answered once the fetch came back");

        endpoint.close(); // dead: connection refused
        endpoint.awaitQuietFor(interval);
        assertEquals(401, postEvent(token(K3, "carol"), "carol"));
        try (SioClient client = SioClient.to(server).websocket().token(token(K2, "bob")).connect()) {
            assertEquals("bob", client.session().optString("participantId"), "keys known stay after a failed fetch");
        }
    }

    /**
     * A raw agent authenticated by query writes at once; what it wrote waits for its session, in order (a ping
     * before the session would be answered at once). Of more than 16 frames the others are refused.
     */
    @Test
    void rawFramesSentWhileTheKeyIsFetchedWaitForTheHelloAck() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        start(interval, K1);
        endpoint.serve(List.of(K1, K2));
        endpoint.awaitQuietFor(interval);
        endpoint.hold();
        try (HandWebSocket socket = HandWebSocket.open(server.port(), "/ws?token=" + token(K2, "agent-7"))) {
            List<String> expected = new java.util.ArrayList<>(List.of("error p17", "hello_ack "));
            for (int i = 1; i <= 17; i++) {
                socket.sendText("{\"type\":\"ping\",\"request_id\":\"p" + i + "\"}");
                if (i <= 16) {
                    expected.add("pong p" + i);
                }
            }
            endpoint.awaitFetches(2); // authentication now waits for the key
            List<String> answers = new java.util.ArrayList<>();
            answers.add(readAnswer(socket)); // the 17th, refused while the others wait
            endpoint.release();
            for (int i = 1; i < expected.size(); i++) {
                answers.add(readAnswer(socket));
            }
            assertEquals(expected, answers);
        }
    }

    /** {@code "<type> <request_id>"} of the next frame, which must be text. */
    private static String readAnswer(HandWebSocket socket) throws Exception {
        HandWebSocket.Frame frame = socket.read(TestServer.WAIT);
        assertTrue(frame != null && frame.opcode() == HandWebSocket.TEXT, "frame: " + frame);
        com.fasterxml.jackson.databind.JsonNode answer = TestServer.json(frame.text());
        return answer.path("type").asText() + " " + answer.path("request_id").asText();
    }
}
