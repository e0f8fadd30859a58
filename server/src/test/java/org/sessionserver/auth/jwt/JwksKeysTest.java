package org.sessionserver.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.it.support.JwtTokens;

/**
 * JWKS_URL without a network: a fetcher the test answers by hand and a clock it moves, so that the refetch rules are
 * shown exactly: unknown kid fetched at most once per interval, a cached kid never waits, keys by issuer and kid.
 */
class JwksKeysTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final RSAKey K1 = JwtTokens.rsa("k1");
    private static final RSAKey K2 = JwtTokens.rsa("k2");
    private static final ECKey E1 = JwtTokens.ec(Curve.P_256, "e1");

    /** A JWKS endpoint held by the test: each fetch waits until the test answers it (or answers at once). */
    private static final class FakeEndpoint implements JwksFetcher {
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicReference<String> body = new AtomicReference<>(JwtTokens.jwks(List.of()));
        volatile boolean hold;
        volatile CompletableFuture<String> pending;

        @Override
        public CompletableFuture<String> fetch() {
            fetches.incrementAndGet();
            if (hold) {
                pending = new CompletableFuture<>();
                return pending;
            }
            return CompletableFuture.completedFuture(body.get());
        }

        void serve(List<? extends JWK> keys) {
            body.set(JwtTokens.jwks(keys));
        }
    }

    private final FakeEndpoint endpoint = new FakeEndpoint();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private JwksKeys keys(Optional<String> issuer) {
        JwksKeys keys = new JwksKeys("test", issuer, INTERVAL, endpoint, now::get, null);
        keys.fetchNow().toCompletableFuture().join();
        return keys;
    }

    private static JwtAuthenticator auth(JwksKeys keys, Optional<String> issuer) {
        return new JwtAuthenticator(keys, new JwtRules(issuer, Optional.empty(), "sub"));
    }

    private static String token(JWK key, JWSAlgorithm alg) {
        return JwtTokens.signed(key, alg, JwtTokens.claims("alice").build());
    }

    private static String refusal(JwtAuthenticator auth, String token) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> auth.authenticateAsync(token).toCompletableFuture().join());
        return e.getCause().getMessage();
    }

    @Test
    void keysOfTheSetVerifyByKid() {
        endpoint.serve(List.of(K1, E1));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        assertEquals("alice", auth.authenticateAsync(token(K1, JWSAlgorithm.RS256)).toCompletableFuture().join());
        assertEquals("alice", auth.authenticateAsync(token(E1, JWSAlgorithm.ES256)).toCompletableFuture().join());
        assertEquals(1, endpoint.fetches.get());
    }

    @Test
    void anUnknownKidFetchesOnceThenNotAgainWithinTheInterval() {
        endpoint.serve(List.of(K1));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        now.addAndGet(INTERVAL.toNanos()); // the start's fetch is old enough
        endpoint.serve(List.of(K1, K2)); // rotation: k2 added
        assertEquals("alice", auth.authenticateAsync(token(K2, JWSAlgorithm.RS256)).toCompletableFuture().join());
        assertEquals(2, endpoint.fetches.get());

        RSAKey k3 = JwtTokens.rsa("k3");
        endpoint.serve(List.of(K2, k3));
        now.addAndGet(INTERVAL.toNanos() - 1); // one nanosecond short
        assertEquals("no key for JWT kid k3", refusal(auth, token(k3, JWSAlgorithm.RS256)));
        assertEquals("no key for JWT kid k3", refusal(auth, token(k3, JWSAlgorithm.RS256)));
        assertEquals(2, endpoint.fetches.get(), "no fetch within the interval, however many unknown kids");

        now.addAndGet(1);
        assertEquals("alice", auth.authenticateAsync(token(k3, JWSAlgorithm.RS256)).toCompletableFuture().join());
        assertEquals(3, endpoint.fetches.get());
        // k1 left the set: it stops verifying
        assertEquals("no key for JWT kid k1", refusal(auth, token(K1, JWSAlgorithm.RS256)));
    }

    @Test
    void aCachedKidNeverWaitsForAFetchThatHangs() {
        endpoint.serve(List.of(K1));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        now.addAndGet(INTERVAL.toNanos());
        endpoint.hold = true;
        CompletableFuture<String> waiting = auth.authenticateAsync(token(K2, JWSAlgorithm.RS256)).toCompletableFuture();
        assertFalse(waiting.isDone(), "an unknown kid waits for the fetch");
        CompletableFuture<String> cached = auth.authenticateAsync(token(K1, JWSAlgorithm.RS256)).toCompletableFuture();
        assertTrue(cached.isDone(), "a cached kid is decided at once while the fetch hangs");
        assertEquals("alice", cached.join());
        // a second unknown kid joins the fetch under way rather than starting another
        CompletableFuture<String> second = auth.authenticateAsync(token(K2, JWSAlgorithm.RS384)).toCompletableFuture();
        assertEquals(2, endpoint.fetches.get());
        endpoint.pending.complete(JwtTokens.jwks(List.of(K1, K2)));
        assertEquals("alice", waiting.join());
        assertEquals("alice", second.join());
    }

    @Test
    void aFailedFetchKeepsTheKeysKnown() {
        endpoint.serve(List.of(K1));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        now.addAndGet(INTERVAL.toNanos());
        endpoint.hold = true;
        CompletableFuture<String> waiting = auth.authenticateAsync(token(K2, JWSAlgorithm.RS256)).toCompletableFuture();
        endpoint.pending.completeExceptionally(new java.io.IOException("connection refused"));
        assertEquals("no key for JWT kid k2", assertThrows(CompletionException.class, waiting::join).getCause()
                .getMessage());
        now.addAndGet(INTERVAL.toNanos());
        endpoint.pending = null;
        endpoint.hold = true;
        CompletableFuture<String> garbage = auth.authenticateAsync(token(K2, JWSAlgorithm.RS256)).toCompletableFuture();
        endpoint.pending.complete("not a jwk set");
        assertThrows(CompletionException.class, garbage::join);
        assertEquals("alice", auth.authenticateAsync(token(K1, JWSAlgorithm.RS256)).toCompletableFuture().join());
    }

    @Test
    void theSynchronousPathRefusesAnUnknownKidAndFetchesForTheNextAttempt() throws AuthenticationException {
        endpoint.serve(List.of(K1));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        now.addAndGet(INTERVAL.toNanos());
        endpoint.serve(List.of(K1, K2));
        String token = token(K2, JWSAlgorithm.RS256);
        assertEquals("no key for JWT kid k2", assertThrows(AuthenticationException.class,
                () -> auth.authenticate(token)).getMessage());
        assertEquals("alice", auth.authenticate(token));
    }

    @Test
    void keysAreHeldByIssuerAndKidSoAKidOfAnotherIssuerNeverVerifies() {
        JwksCache cache = new JwksCache();
        VerificationKey ofA = VerificationKey.of(publicKey(K1), "shared", null);
        VerificationKey ofB = VerificationKey.of(publicKey(K2), "shared", null);
        cache.replace("https://a.example/", List.of(ofA));
        cache.replace("https://b.example/", List.of(ofB));
        assertEquals(ofA, cache.find("https://a.example/", "shared"));
        assertEquals(ofB, cache.find("https://b.example/", "shared"));
        assertEquals(null, cache.find("https://c.example/", "shared"));

        // bound to an issuer, the source gives no key to a token of another issuer, even with a known kid
        endpoint.serve(List.of(K1));
        JwksKeys keys = keys(Optional.of("https://a.example/"));
        JwtAuthenticator unbound = auth(keys, Optional.empty()); // issuer not checked by the claims rules here
        String fromB = JwtTokens.signed(K1, JWSAlgorithm.RS256, JwtTokens.claims("alice").issuer("https://b.example/")
                .build());
        now.addAndGet(INTERVAL.toNanos());
        assertEquals("no key for JWT kid k1", refusal(unbound, fromB));
        String fromA = JwtTokens.signed(K1, JWSAlgorithm.RS256, JwtTokens.claims("alice").issuer("https://a.example/")
                .build());
        assertEquals("alice", unbound.authenticateAsync(fromA).toCompletableFuture().join());
    }

    @Test
    void hmacTokensAndHmacKeysOfTheSetAreRefused() {
        com.nimbusds.jose.jwk.OctetSequenceKey oct = new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
                "an-hmac-key-in-the-jwks-of-32-bytes!".getBytes(StandardCharsets.UTF_8)).keyID("oct").build();
        endpoint.body.set(new com.nimbusds.jose.jwk.JWKSet(List.of(oct, K1.toPublicJWK())).toString(false));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        JWTClaimsSet claims = JwtTokens.claims("alice").build();
        assertTrue(refusal(auth, JwtTokens.hmac(JWSAlgorithm.HS256, "an-hmac-key-in-the-jwks-of-32-bytes!", claims))
                .startsWith("JWT alg is not "));
        byte[] publicPem = JwtTokens.pem(K1).getBytes(StandardCharsets.US_ASCII);
        assertTrue(refusal(auth, JwtTokens.hmac(JWSAlgorithm.HS256, publicPem, claims)).startsWith("JWT alg is not "));
    }

    @Test
    void aKeyBoundToAnAlgorithmVerifiesThatOneOnly() {
        RSAKey bound = new RSAKey.Builder(K1).algorithm(JWSAlgorithm.RS512).build();
        endpoint.serve(List.of(bound));
        JwtAuthenticator auth = auth(keys(Optional.empty()), Optional.empty());
        assertEquals("alice", auth.authenticateAsync(token(K1, JWSAlgorithm.RS512)).toCompletableFuture().join());
        now.addAndGet(INTERVAL.toNanos());
        assertEquals("no key for JWT kid k1", refusal(auth, token(K1, JWSAlgorithm.RS256)));
    }

    private static java.security.PublicKey publicKey(RSAKey key) {
        try {
            return key.toPublicKey();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
