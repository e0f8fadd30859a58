package org.sessionserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final String SECRET = "test-secret-that-is-at-least-32-bytes-long";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    private final Authenticator auth = new JwtAuthenticator(SECRET);

    private static JWTCreator.Builder valid() {
        return JWT.create().withSubject("participant-123").withExpiresAt(Instant.now().plusSeconds(60));
    }

    private String refusal(String token) {
        return assertThrows(AuthenticationException.class, () -> auth.authenticate(token)).getMessage();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidTokenGivesItsSubject() throws AuthenticationException {
        assertEquals("participant-123", auth.authenticate(valid().sign(HS256)));
        assertEquals("alice@example.com", auth.authenticate(valid().withSubject("alice@example.com")
                .withIssuedAt(Instant.now()).withNotBefore(Instant.now()).sign(HS256)));
    }

    @Test
    void expiryIsEnforcedWithFiveSecondsOfSkew() throws AuthenticationException {
        assertEquals("participant-123",
                auth.authenticate(valid().withExpiresAt(Instant.now().minusSeconds(2)).sign(HS256)));
        assertEquals("JWT expired", refusal(valid().withExpiresAt(Instant.now().minusSeconds(30)).sign(HS256)));
    }

    @Test
    void expIsRequired() {
        assertEquals("JWT lacks claim exp", refusal(JWT.create().withSubject("participant-123").sign(HS256)));
    }

    @Test
    void notBeforeInTheFutureIsRefused() {
        assertTrue(refusal(valid().withNotBefore(Instant.now().plusSeconds(60)).sign(HS256)).contains("nbf"));
    }

    @Test
    void aWrongSignatureIsRefused() {
        String otherKey = valid().sign(Algorithm.HMAC256("another-secret-that-is-32-bytes-or-more"));
        assertEquals("bad JWT signature", refusal(otherKey));
        String token = valid().sign(HS256);
        String tampered = token.substring(0, token.indexOf('.') + 1) + b64("{\"sub\":\"admin\",\"exp\":9999999999}")
                + token.substring(token.lastIndexOf('.'));
        assertEquals("bad JWT signature", refusal(tampered));
    }

    @Test
    void algNoneIsRefused() {
        String payload = b64("{\"sub\":\"participant-123\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}");
        assertEquals("JWT alg is not HS256", refusal(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + "."));
        assertEquals("JWT alg is not HS256", refusal(valid().sign(Algorithm.none())));
        assertEquals("JWT alg is not HS256", refusal(b64("{\"typ\":\"JWT\"}") + "." + payload + "."));
    }

    @Test
    void otherHmacAlgorithmsAreRefusedEvenWithTheRightSecret() {
        assertEquals("JWT alg is not HS256", refusal(valid().sign(Algorithm.HMAC512(SECRET))));
    }

    @Test
    void subMustBeAValidId() {
        assertTrue(refusal(valid().withSubject(null).sign(HS256)).startsWith("sub is missing"));
        assertTrue(refusal(valid().withSubject("").sign(HS256)).startsWith("sub is missing"));
        assertTrue(refusal(valid().withSubject("not an id").sign(HS256)).startsWith("sub is missing"));
        assertTrue(refusal(valid().withSubject("x".repeat(129)).sign(HS256)).startsWith("sub is missing"));
        String numericSub = JWT.create().withPayload("{\"sub\":42}").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(HS256);
        assertTrue(refusal(numericSub).startsWith("sub is missing"));
    }

    @Test
    void garbageIsRefused() {
        assertEquals("no token", refusal(null));
        assertEquals("no token", refusal(""));
        assertEquals("malformed JWT", refusal("participant-123"));
        assertEquals("malformed JWT", refusal("a.b.c"));
        assertTrue(refusal(valid().withClaim("pad", "x".repeat(9000)).sign(HS256)).contains("longer than"));
    }

    @Test
    void aShortSecretIsRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new JwtAuthenticator("x".repeat(31)));
    }
}
