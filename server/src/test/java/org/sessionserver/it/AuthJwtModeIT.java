package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.JwtTokens;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** AUTH_MODE=jwt: HS256 tokens signed with JWT_SECRET; participant = sub; exp enforced. */
class AuthJwtModeIT {
    private static final String SECRET = "it-secret-0123456789-abcdefghijklmnop-and-48-bytes+";
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
        return JwtTokens.hmac(JWSAlgorithm.HS256, secret, new JWTClaimsSet.Builder().subject(subject)
                .expirationTime(Date.from(expiresAt)).build());
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
        String payload = "{\"sub\":\"user-42\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}";
        assertRefused(JwtTokens.handMade("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, ""));
        // the same, with a signature that is present but meaningless
        assertRefused(JwtTokens.handMade("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, JwtTokens.b64("x")));
    }

    @Test
    void tokenWithoutExpIsRefused() {
        assertRefused(JwtTokens.hmac(JWSAlgorithm.HS256, SECRET,
                new JWTClaimsSet.Builder().subject("user-42").build()));
    }

    @Test
    void tokenSignedWithAnotherHmacAlgorithmIsRefused() {
        assertRefused(JwtTokens.hmac(JWSAlgorithm.HS384, SECRET, JwtTokens.claims("user-42").build()));
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
