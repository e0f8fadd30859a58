package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the keys that may verify a token come from: {@code JWT_SECRET} ({@link SecretKeys}), {@code
 * JWT_PUBLIC_KEY_FILE} ({@link PublicKeys}) or {@code JWKS_URL} ({@link JwksKeys}). One source per server; a token's
 * {@code alg} must be one of {@link #algorithms()} before any key is looked at, so that a source of public keys
 * never verifies an HMAC token (the algorithm confusion in which the public key's bytes serve as HMAC secret).
 *
 * <p>Thread-safe. {@link #verifiersFor} reads memory only; only {@link #fetchAgain} may cause I/O, off the caller's
 * thread.
 */
public interface JwtKeys extends AutoCloseable {
    /** The algorithms a token may name; anything else, {@code none} included, is refused. */
    Set<JWSAlgorithm> algorithms();

    /**
     * The verifiers of the keys that fit this header ({@code alg}, {@code kid}) and issuer, from memory.
     *
     * @param issuer the token's {@code iss}, or null
     * @return empty when no key fits: the token is refused unless {@link #fetchAgain} finds one
     */
    List<JWSVerifier> verifiersFor(JWSHeader header, String issuer);

    /**
     * Asks the key source again, if it has one and may now (a JWKS at most every 30 s). Never blocks; the stage
     * completes when the keys are as fresh as they will get for now (at once when nothing may be fetched), on a
     * thread that is not an event loop, and never fails.
     */
    default CompletionStage<Void> fetchAgain() {
        return CompletableFuture.completedFuture(null);
    }

    /** What the start log says about the keys, without secrets. */
    String describe();

    /** Stops what the source runs in the background. */
    @Override
    default void close() {
    }
}
