package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/**
 * One public key ready to verify: its {@code kid} (null when it has none), the algorithms it may verify and its
 * verifier. RSA keys verify RS256/384/512 and must have at least {@value #MIN_RSA_BITS} bits; EC keys verify ES256
 * (P-256) or ES384 (P-384), each only the one its curve is made for.
 */
record VerificationKey(String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {
    static final int MIN_RSA_BITS = 2048;
    static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384);

    /**
     * @param stated the algorithm the key's publisher bound it to (a JWK's {@code alg}), or null
     * @throws IllegalArgumentException with a short reason when the key cannot verify any algorithm we accept
     */
    static VerificationKey of(PublicKey key, String kid, JWSAlgorithm stated) {
        Set<JWSAlgorithm> fitting;
        JWSVerifier verifier;
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key of " + bits + " bits (at least " + MIN_RSA_BITS
                        + " expected)");
            }
            fitting = RSA;
            verifier = new RSASSAVerifier(rsa);
        } else if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (Curve.P_256.equals(curve)) {
                fitting = Set.of(JWSAlgorithm.ES256);
            } else if (Curve.P_384.equals(curve)) {
                fitting = Set.of(JWSAlgorithm.ES384);
            } else {
                throw new IllegalArgumentException("EC key on curve " + (curve == null ? "unknown" : curve.getName())
                        + " (P-256 for ES256 or P-384 for ES384 expected)");
            }
            try {
                verifier = new ECDSAVerifier(ec);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("EC key refused: " + e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException(key.getAlgorithm() + " key (RSA or EC expected)");
        }
        if (stated != null) {
            if (!fitting.contains(stated)) {
                throw new IllegalArgumentException("key bound to alg " + stated + ", which it cannot verify here");
            }
            fitting = Set.of(stated);
        }
        return new VerificationKey(kid, fitting, verifier);
    }

    boolean verifies(JWSAlgorithm algorithm) {
        return algorithms.contains(algorithm);
    }
}
