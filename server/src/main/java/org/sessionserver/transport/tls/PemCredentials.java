package org.sessionserver.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sessionserver.transport.tls.TlsFileException.Culprit;

/**
 * A server's certificate chain and private key, read from PEM files and checked to belong together: the chain is
 * one or more {@code CERTIFICATE} blocks, the server's own first (as certbot's {@code fullchain.pem}); the key an
 * unencrypted PKCS#8 {@code PRIVATE KEY} (RSA or EC), as {@code openssl genpkey} writes it.
 */
public record PemCredentials(X509Certificate[] chain, PrivateKey key) {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    /** Reads both files; throws with a one-line reason naming the file to blame. */
    public static PemCredentials read(Path certFile, Path keyFile) throws TlsFileException {
        X509Certificate[] chain = certificates(certFile, text(certFile, Culprit.CERTIFICATE));
        PrivateKey key = privateKey(keyFile, text(keyFile, Culprit.KEY));
        requireMatch(chain[0], key, certFile, keyFile);
        try {
            chain[0].checkValidity(new Date());
        } catch (CertificateExpiredException e) {
            throw new TlsFileException(Culprit.CERTIFICATE, certFile + ": the certificate expired on "
                    + chain[0].getNotAfter().toInstant());
        } catch (CertificateException e) {
            // not valid yet: a certificate made a moment ago on a host whose clock runs ahead; clients decide
        }
        return new PemCredentials(chain, key);
    }

    /** Who the certificate names and until when, for logs. */
    public String describe() {
        X509Certificate leaf = chain[0];
        return leaf.getSubjectX500Principal().getName() + ", serial " + leaf.getSerialNumber().toString(16)
                + ", valid until " + leaf.getNotAfter().toInstant();
    }

    private static String text(Path file, Culprit culprit) throws TlsFileException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(culprit, file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static X509Certificate[] certificates(Path file, String pem) throws TlsFileException {
        List<X509Certificate> chain = new ArrayList<>();
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            if (!block.group(1).equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der(block.group(2)))));
            } catch (CertificateException | IllegalArgumentException e) {
                throw new TlsFileException(Culprit.CERTIFICATE, file + ": certificate " + (chain.size() + 1)
                        + " is not a valid X.509 certificate");
            }
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(Culprit.CERTIFICATE, file + ": no PEM CERTIFICATE block");
        }
        return chain.toArray(X509Certificate[]::new);
    }

    private static PrivateKey privateKey(Path file, String pem) throws TlsFileException {
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(file, block.group(2));
                case "RSA PRIVATE KEY", "EC PRIVATE KEY":
                    throw new TlsFileException(Culprit.KEY, file + ": " + block.group(1)
                            + " is not PKCS#8 (convert it: "
                            + "openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem)");
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsFileException(Culprit.KEY, file + ": the key is encrypted (an unencrypted PKCS#8 key "
                            + "is expected; protect the file by its permissions)");
                default:
                    break;
            }
        }
        throw new TlsFileException(Culprit.KEY, file + ": no PEM PRIVATE KEY block");
    }

    private static PrivateKey pkcs8(Path file, String base64) throws TlsFileException {
        byte[] der;
        try {
            der = der(base64);
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(Culprit.KEY, file + ": bad base64 in the PRIVATE KEY block");
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next
            }
        }
        throw new TlsFileException(Culprit.KEY, file + ": the PRIVATE KEY is neither RSA nor EC");
    }

    /** Signs a nonce with the key and verifies it with the certificate's public key. */
    private static void requireMatch(X509Certificate leaf, PrivateKey key, Path certFile, Path keyFile)
            throws TlsFileException {
        PublicKey certified = leaf.getPublicKey();
        String mismatch = certFile + " and " + keyFile + " do not belong together (the key is not the certificate's)";
        if (!certified.getAlgorithm().equals(key.getAlgorithm())) {
            throw new TlsFileException(Culprit.CERTIFICATE, mismatch);
        }
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(nonce);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(nonce);
            if (!verifier.verify(signature)) {
                throw new TlsFileException(Culprit.CERTIFICATE, mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(Culprit.CERTIFICATE, mismatch);
        }
    }

    private static byte[] der(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }
}
