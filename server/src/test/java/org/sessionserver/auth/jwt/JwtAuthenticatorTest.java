package org.sessionserver.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.it.support.JwtTokens;

/** HS256 with JWT_SECRET: the behaviour this server had before public keys and JWKS, kept. */
class JwtAuthenticatorTest {
    /** 64 bytes: enough for HS512 too, to show that the right secret with another HMAC algorithm is refused. */
    private static final String SECRET = "test-secret-that-is-at-least-32-bytes-long-and-even-64-bytes-long";

    private final Authenticator auth = JwtAuthenticator.hs256(SECRET);

    private static JWTClaimsSet.Builder valid() {
        return JwtTokens.claims("participant-123");
    }

    private static String hs256(JWTClaimsSet.Builder claims) {
        return JwtTokens.hmac(JWSAlgorithm.HS256, SECRET, claims.build());
    }

    private String refusal(String token) {
        return assertThrows(AuthenticationException.class, () -> auth.authenticate(token)).getMessage();
    }

    @Test
    void aValidTokenGivesItsSubject() throws AuthenticationException {
        assertEquals("participant-123", auth.authenticate(hs256(valid())));
        assertEquals("alice@example.com", auth.authenticate(hs256(valid().subject("alice@example.com")
                .issueTime(new Date()).notBeforeTime(new Date()))));
        assertEquals("participant-123", auth.authenticateAsync(hs256(valid())).toCompletableFuture().join());
    }

    @Test
    void expiryIsEnforcedWithFiveSecondsOfSkew() throws AuthenticationException {
        assertEquals("participant-123", auth.authenticate(hs256(valid().expirationTime(JwtTokens.in(-2)))));
        assertEquals("JWT expired", refusal(hs256(valid().expirationTime(JwtTokens.in(-30)))));
    }

    @Test
    void expIsRequired() {
        assertEquals("JWT lacks claim exp", refusal(hs256(new JWTClaimsSet.Builder().subject("participant-123"))));
    }

    @Test
    void notBeforeAndIssuedAtInTheFutureAreRefused() {
        assertTrue(refusal(hs256(valid().notBeforeTime(JwtTokens.in(60)))).contains("nbf"));
        assertTrue(refusal(hs256(valid().issueTime(JwtTokens.in(60)))).contains("iat"));
    }

    @Test
    void aWrongSignatureIsRefused() {
        String otherKey = JwtTokens.hmac(JWSAlgorithm.HS256, "another-secret-that-is-32-bytes-or-more",
                valid().build());
        assertEquals("bad JWT signature", refusal(otherKey));
        String token = hs256(valid());
        String tampered = token.substring(0, token.indexOf('.') + 1)
                + JwtTokens.b64("{\"sub\":\"admin\",\"exp\":9999999999}") + token.substring(token.lastIndexOf('.'));
        assertEquals("bad JWT signature", refusal(tampered));
    }

    @Test
    void algNoneIsRefused() {
        String payload = "{\"sub\":\"participant-123\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}";
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.handMade("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload,
                "")));
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.handMade("{\"alg\":\"none\"}", payload, "c2ln")));
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.handMade("{\"typ\":\"JWT\"}", payload, "")));
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.handMade("{\"alg\":\"NONE\"}", payload, "")));
    }

    @Test
    void otherHmacAlgorithmsAreRefusedEvenWithTheRightSecret() {
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.hmac(JWSAlgorithm.HS512, SECRET, valid().build())));
        assertEquals("JWT alg is not HS256", refusal(JwtTokens.hmac(JWSAlgorithm.HS384, SECRET, valid().build())));
    }

    @Test
    void subMustBeAValidId() {
        assertTrue(refusal(hs256(valid().subject(null))).startsWith("sub is missing"));
        assertTrue(refusal(hs256(valid().subject(""))).startsWith("sub is missing"));
        assertTrue(refusal(hs256(valid().subject("not an id"))).startsWith("sub is missing"));
        assertTrue(refusal(hs256(valid().subject("x".repeat(129)))).startsWith("sub is missing"));
        String numericSub = JwtTokens.hmacPayload(JWSAlgorithm.HS256, SECRET, "{\"sub\":42,\"exp\":"
                + (Instant.now().getEpochSecond() + 60) + "}");
        assertTrue(refusal(numericSub).startsWith("sub is missing"), refusal(numericSub));
    }

    @Test
    void garbageIsRefused() {
        assertEquals("no token", refusal(null));
        assertEquals("no token", refusal(""));
        assertEquals("malformed JWT", refusal("participant-123"));
        assertEquals("malformed JWT", refusal("a.b.c"));
        assertEquals("malformed JWT", refusal(JwtTokens.handMade("{\"alg\":\"HS256\"}", "not json", "")));
        assertTrue(refusal(hs256(valid().claim("pad", "x".repeat(9000)))).contains("longer than"));
    }

    @Test
    void aShortSecretIsRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> JwtAuthenticator.hs256("x".repeat(31)));
    }
}
