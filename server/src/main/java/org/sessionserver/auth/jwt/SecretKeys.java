package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code JWT_SECRET}: HS256 only, the secret's UTF-8 bytes as key (as Node's jsonwebtoken uses a string secret).
 * HS384 and HS512 tokens are refused even with the right secret, as they always were here.
 */
public final class SecretKeys implements JwtKeys {
    /** HS256 wants a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    private final List<JWSVerifier> verifiers;

    public SecretKeys(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        try {
            this.verifiers = List.of(new MACVerifier(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT secret refused: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> algorithms() {
        return Set.of(JWSAlgorithm.HS256);
    }

    @Override
    public List<JWSVerifier> verifiersFor(JWSHeader header, String issuer) {
        return verifiers;
    }

    @Override
    public String describe() {
        return "HS256 with JWT_SECRET";
    }
}
