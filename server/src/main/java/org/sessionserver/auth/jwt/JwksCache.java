package org.sessionserver.auth.jwt;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys fetched from JWK sets, by issuer and {@code kid} together: a {@code kid} names a key only within its
 * issuer's set, so a key of one issuer never verifies a token of another that happens to use the same {@code kid}
 * (one of Centrifugo's security advisories was a JWKS cache keyed by {@code kid} alone). Thread-safe; a whole issuer's
 * keys are replaced at once by each fetch, so keys removed from a set stop verifying.
 */
final class JwksCache {
    /** A key's place: the issuer whose set it came from and its {@code kid} ("" when it has none). */
    record KeyId(String issuer, String kid) {
    }

    private final Map<String, Map<KeyId, VerificationKey>> byIssuer = new ConcurrentHashMap<>();

    /** Puts {@code keys} in place of whatever {@code issuer} had. */
    void replace(String issuer, List<VerificationKey> keys) {
        Map<KeyId, VerificationKey> set = new ConcurrentHashMap<>();
        keys.forEach(key -> set.put(new KeyId(issuer, key.kid() == null ? "" : key.kid()), key));
        byIssuer.put(issuer, Map.copyOf(set));
    }

    /** The key of {@code issuer} with this {@code kid}, or null. */
    VerificationKey find(String issuer, String kid) {
        return byIssuer.getOrDefault(issuer, Map.of()).get(new KeyId(issuer, kid == null ? "" : kid));
    }

    /** Every key of {@code issuer}: the candidates of a token without {@code kid}. */
    List<VerificationKey> all(String issuer) {
        return List.copyOf(byIssuer.getOrDefault(issuer, Map.of()).values());
    }

    /** The {@code kid}s of {@code issuer}, for logs. */
    List<String> kids(String issuer) {
        return byIssuer.getOrDefault(issuer, Map.of()).keySet().stream().map(KeyId::kid).sorted().toList();
    }
}
