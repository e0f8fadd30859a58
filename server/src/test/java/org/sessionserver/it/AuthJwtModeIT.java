package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** AUTH_MODE=jwt: HS256 tokens signed with JWT_SECRET; participant = sub; exp enforced. */
class AuthJwtModeIT {
    private static final String SECRET = "it-secret-0123456789-abcdefghijklmnop";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("AUTH_MODE", "jwt", "JWT_SECRET", SECRET);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String subject, Instant expiresAt, String secret) {
        return JWT.create().withSubject(subject).withExpiresAt(expiresAt).sign(Algorithm.HMAC256(secret));
    }

    private static void assertRefused(String token) {
        assertEquals(TestServer.json(AuthTokenModeIT.UNAUTHORIZED),
                TestServer.json(SioClient.to(server).token(token).refused().toString()));
    }

    @Test
    void validHs256TokenIsAcceptedAndSubIsTheParticipant() {
        String token = token("user-42", Instant.now().plusSeconds(300), SECRET);
        try (SioClient client = SioClient.to(server).token(token).connect()) {
            assertEquals("user-42", client.session().optString("participantId"));
        }
        try (SioClient client = SioClient.to(server).polling().header("Authorization", "Bearer " + token).connect()) {
            assertEquals("user-42", client.session().optString("participantId"));
        }
    }

    @Test
    void expiredTokenIsRefused() {
        assertRefused(token("user-42", Instant.now().minusSeconds(120), SECRET));
    }

    @Test
    void tokenWithWrongSignatureIsRefused() {
        assertRefused(token("user-42", Instant.now().plusSeconds(300), SECRET + "-but-another-one"));
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String unsigned = JWT.create().withSubject("user-42").withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.none());
        assertRefused(unsigned);
        // the same, hand-made, with a signature that is present but meaningless
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"user-42\",\"exp\":" + (Instant.now().getEpochSecond() + 300)
                + "}").getBytes(StandardCharsets.UTF_8));
        assertRefused(header + "." + payload + ".");
        assertRefused(header + "." + payload + "." + b64.encodeToString("x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void tokenWithoutExpIsRefused() {
        assertRefused(JWT.create().withSubject("user-42").sign(Algorithm.HMAC256(SECRET)));
    }

    @Test
    void tokenSignedWithAnotherHmacAlgorithmIsRefused() {
        assertRefused(JWT.create().withSubject("user-42").withExpiresAt(Instant.now().plusSeconds(300))
                .sign(Algorithm.HMAC384(SECRET)));
    }

    @Test
    void postEventTakesTheSameJwt() {
        String event = "{\"id\":\"evt_jwt\",\"type\":\"t\",\"source\":{\"id\":\"user-42\"},\"timestamp\":\""
                + Instant.now() + "\"}";
        assertEquals(202, server.post("/event", event, token("user-42", Instant.now().plusSeconds(300), SECRET))
                .statusCode());
        assertEquals(401, server.post("/event", event, token("user-42", Instant.now().minusSeconds(120), SECRET))
                .statusCode());
    }

    @Test
    void plainParticipantIdIsNotAJwt() {
        assertRefused("user-42");
    }
}
