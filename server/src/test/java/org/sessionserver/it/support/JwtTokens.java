package org.sessionserver.it.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Makes JWTs and keys for tests: HS*, RS*, ES*, unsigned and hand-made ones, and the PEM and JWKS of public keys. */
public final class JwtTokens {
    private JwtTokens() {
    }

    /** Claims with {@code sub} and an {@code exp} a minute from now. */
    public static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(in(60));
    }

    /** {@code seconds} from now (negative: ago), as a JWT time. */
    public static Date in(long seconds) {
        return Date.from(Instant.now().plusSeconds(seconds));
    }

    public static String hmac(JWSAlgorithm alg, String secret, JWTClaimsSet claims) {
        return hmac(alg, secret.getBytes(StandardCharsets.UTF_8), claims);
    }

    public static String hmac(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret), new JWSHeader.Builder(alg).build(), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An HMAC-signed token of a payload written by hand (claims of types no builder would write). */
    public static String hmacPayload(JWSAlgorithm alg, String secret, String payloadJson) {
        try {
            com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(new JWSHeader(alg),
                    new com.nimbusds.jose.Payload(payloadJson));
            jws.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Signed with {@code key} (an RSAKey or ECKey with its private part), its {@code kid} in the header if any. */
    public static String signed(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            return sign(signer, new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** header.payload.signature from JSON texts, for tokens no library would make. */
    public static String handMade(String headerJson, String payloadJson, String signature) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
    }

    public static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec(Curve curve, String kid) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as {@code openssl pkey -pubout} writes it. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static String pem(JWK key) {
        try {
            return pem(key instanceof RSAKey rsa ? rsa.toPublicKey() : ((ECKey) key).toPublicKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Writes the public key's PEM to a new file in {@code dir}. */
    public static Path pemFile(Path dir, JWK key) {
        try {
            return Files.writeString(Files.createTempFile(dir, "jwt-public", ".pem"), pem(key));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The public JWK set of {@code keys}, as a JWKS endpoint serves it. */
    public static String jwks(List<? extends JWK> keys) {
        return new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString();
    }
}
