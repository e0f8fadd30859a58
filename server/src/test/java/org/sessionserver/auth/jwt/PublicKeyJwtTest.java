package org.sessionserver.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.it.support.JwtTokens;

/** JWT_PUBLIC_KEY_FILE: RS256/384/512 and ES256/384, and every way a token is refused. */
class PublicKeyJwtTest {
    private static final RSAKey RSA = JwtTokens.rsa("rsa-1");
    private static final RSAKey OTHER_RSA = JwtTokens.rsa("rsa-2");
    private static final ECKey P256 = JwtTokens.ec(Curve.P_256, "ec-256");
    private static final ECKey P384 = JwtTokens.ec(Curve.P_384, "ec-384");

    @TempDir
    Path dir;

    private JwtAuthenticator auth(com.nimbusds.jose.jwk.JWK key, JwtRules rules) {
        return new JwtAuthenticator(PublicKeys.read(JwtTokens.pemFile(dir, key)), rules);
    }

    private JwtAuthenticator auth(com.nimbusds.jose.jwk.JWK key) {
        return auth(key, JwtRules.DEFAULT);
    }

    private static String refusal(JwtAuthenticator auth, String token) {
        return assertThrows(AuthenticationException.class, () -> auth.authenticate(token)).getMessage();
    }

    private static JWTClaimsSet alice() {
        return JwtTokens.claims("alice").build();
    }

    @Test
    void rsaKeysVerifyRs256Rs384Rs512() throws AuthenticationException {
        JwtAuthenticator auth = auth(RSA);
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512)) {
            assertEquals("alice", auth.authenticate(JwtTokens.signed(RSA, alg, alice())), alg.getName());
        }
        assertEquals("JWT alg is not RS256/RS384/RS512", refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.PS256,
                alice())));
    }

    @Test
    void ecKeysVerifyTheAlgorithmOfTheirCurveOnly() throws AuthenticationException {
        assertEquals("alice", auth(P256).authenticate(JwtTokens.signed(P256, JWSAlgorithm.ES256, alice())));
        assertEquals("alice", auth(P384).authenticate(JwtTokens.signed(P384, JWSAlgorithm.ES384, alice())));
        assertEquals("JWT alg is not ES256", refusal(auth(P256), JwtTokens.signed(P384, JWSAlgorithm.ES384, alice())));
    }

    @Test
    void aCertificateFileServesToo(@TempDir Path certDir) throws Exception {
        // a PEM certificate: the key of the certificate verifies (made with Bouncy Castle by the TLS test support)
        Path cert = org.sessionserver.it.support.TestCertificates.authority("jwt-ca")
                .issue("jwt-signer", certDir).certFile();
        assertTrue(PublicKeys.read(cert).algorithms().contains(JWSAlgorithm.ES256)
                || PublicKeys.read(cert).algorithms().contains(JWSAlgorithm.RS256));
    }

    @Test
    void aTokenOfAnotherKeyIsRefused() {
        assertEquals("bad JWT signature", refusal(auth(RSA), JwtTokens.signed(OTHER_RSA, JWSAlgorithm.RS256,
                alice())));
        assertEquals("bad JWT signature", refusal(auth(P256), JwtTokens.signed(JwtTokens.ec(Curve.P_256, "x"),
                JWSAlgorithm.ES256, alice())));
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() {
        // Algorithm confusion: a verifier that picked the algorithm from the header would take the public key (which
        // anyone has) as HMAC secret. Both the PEM text and the DER bytes, as attackers try them.
        for (com.nimbusds.jose.jwk.JWK key : List.of(RSA, P256)) {
            JwtAuthenticator auth = auth(key);
            byte[] pemBytes = JwtTokens.pem(key).getBytes(StandardCharsets.US_ASCII);
            for (JWSAlgorithm hs : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
                assertTrue(refusal(auth, JwtTokens.hmac(hs, pemBytes, alice())).startsWith("JWT alg is not "));
            }
        }
    }

    @Test
    void algNoneIsRefused() {
        String payload = "{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}";
        assertEquals("JWT alg is not RS256/RS384/RS512",
                refusal(auth(RSA), JwtTokens.handMade("{\"alg\":\"none\"}", payload, "")));
    }

    @Test
    void expiredIsRefused() {
        assertEquals("JWT expired", refusal(auth(RSA), JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").expirationTime(JwtTokens.in(-60)).build())));
    }

    @Test
    void issuerIsEnforcedWhenSet() throws AuthenticationException {
        JwtAuthenticator auth = auth(RSA, new JwtRules(Optional.of("https://id.example.com/"), Optional.empty(),
                "sub"));
        assertEquals("alice", auth.authenticate(JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").issuer("https://id.example.com/").build())));
        assertEquals("JWT iss is not the expected issuer", refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").issuer("https://evil.example.com/").build())));
        assertEquals("JWT iss is not the expected issuer", refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                alice())));
    }

    @Test
    void audienceIsEnforcedWhenSet() throws AuthenticationException {
        JwtAuthenticator auth = auth(RSA, new JwtRules(Optional.empty(), Optional.of("session-server"), "sub"));
        assertEquals("alice", auth.authenticate(JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").audience("session-server").build())));
        assertEquals("alice", auth.authenticate(JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").audience(List.of("billing", "session-server")).build())));
        assertEquals("JWT aud does not name this audience", refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").audience("billing").build())));
        assertEquals("JWT aud does not name this audience", refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                alice())));
    }

    @Test
    void theParticipantClaimCanBeAnother() throws AuthenticationException {
        JwtAuthenticator auth = auth(RSA, new JwtRules(Optional.empty(), Optional.empty(), "user_id"));
        assertEquals("agent-7", auth.authenticate(JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").claim("user_id", "agent-7").build())));
        assertTrue(refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256, alice()))
                .startsWith("user_id is missing or not a valid participant id"));
        assertTrue(refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").claim("user_id", "two words").build()))
                .startsWith("user_id is missing or not a valid participant id"));
        assertTrue(refusal(auth, JwtTokens.signed(RSA, JWSAlgorithm.RS256,
                JwtTokens.claims("alice").claim("user_id", 7).build()))
                .startsWith("user_id is missing or not a valid participant id"));
    }

    @Test
    void badKeyFilesAreRefusedWithAReason() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeys.read(missing)).getMessage()
                .startsWith("cannot read"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeys.read(garbage)).getMessage()
                .startsWith("no PEM PUBLIC KEY"));
        Path privateKey = Files.writeString(dir.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(RSA.toPrivateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeys.read(privateKey)).getMessage()
                .contains("a private key is not accepted"));
        Path smallRsa = Files.writeString(dir.resolve("small.pem"), JwtTokens.pem(
                new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).generate().toPublicKey()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeys.read(smallRsa)).getMessage()
                .contains("1024 bits"));
        Path p521 = Files.writeString(dir.resolve("p521.pem"), JwtTokens.pem(JwtTokens.ec(Curve.P_521, "x")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublicKeys.read(p521)).getMessage()
                .contains("P-521"));
    }
}
