package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code JWT_PUBLIC_KEY_FILE}: one RSA or EC public key, from a PEM file holding a {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo, as {@code openssl pkey -pubout} writes it) or a {@code CERTIFICATE}. Verifies tokens whatever
 * their {@code kid}.
 */
public final class PublicKeys implements JwtKeys {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final VerificationKey key;
    private final String file;

    private PublicKeys(VerificationKey key, String file) {
        this.key = key;
        this.file = file;
    }

    /**
     * Reads and checks the file.
     *
     * @throws IllegalArgumentException with a one-line reason when it is unreadable or holds no usable key
     */
    public static PublicKeys read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return new PublicKeys(VerificationKey.of(parse(text), null, null), file.toString());
    }

    /** The public key of the first {@code PUBLIC KEY} or {@code CERTIFICATE} block. */
    static PublicKey parse(String pem) {
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad base64 in the PEM block " + block.group(1));
            }
            switch (block.group(1)) {
                case "PUBLIC KEY":
                    return publicKey(der);
                case "CERTIFICATE":
                    try {
                        return CertificateFactory.getInstance("X.509")
                                .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                    } catch (CertificateException e) {
                        throw new IllegalArgumentException("the CERTIFICATE block is not an X.509 certificate");
                    }
                default:
                    break; // e.g. a private key by mistake: keep looking, and say so below if nothing else is there
            }
        }
        throw new IllegalArgumentException("no PEM PUBLIC KEY or CERTIFICATE block (a private key is not accepted)");
    }

    private static PublicKey publicKey(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // try the next
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has " + algorithm, e);
            }
        }
        throw new IllegalArgumentException("the PUBLIC KEY is neither RSA nor EC");
    }

    @Override
    public Set<JWSAlgorithm> algorithms() {
        return key.algorithms();
    }

    @Override
    public List<JWSVerifier> verifiersFor(JWSHeader header, String issuer) {
        return key.verifies(header.getAlgorithm()) ? List.of(key.verifier()) : List.of();
    }

    @Override
    public String describe() {
        return key.algorithms() + " with the public key of " + file;
    }
}
