package org.sessionserver.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on the client port. Both files or neither: with them the port serves HTTPS and WSS only. The files themselves
 * are read and checked when the server starts (a bad one stops it, as a bad setting does) and again at each SIGHUP.
 *
 * @param certFile {@code TLS_CERT_FILE}: PEM certificate chain, the server's certificate first
 * @param keyFile  {@code TLS_KEY_FILE}: PEM private key (unencrypted PKCS#8, RSA or EC) of that certificate
 */
public record TlsConfig(Optional<Path> certFile, Optional<Path> keyFile) {
    public static final TlsConfig OFF = new TlsConfig(Optional.empty(), Optional.empty());

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("both files or neither");
        }
    }

    public boolean enabled() {
        return certFile.isPresent();
    }

    static TlsConfig fromEnv(Env env) {
        String cert = env.get("TLS_CERT_FILE");
        String key = env.get("TLS_KEY_FILE");
        if (cert == null && key == null) {
            return OFF;
        }
        if (cert == null) {
            throw new ConfigException("TLS_CERT_FILE", "required when TLS_KEY_FILE is set (both or neither)");
        }
        if (key == null) {
            throw new ConfigException("TLS_KEY_FILE", "required when TLS_CERT_FILE is set (both or neither)");
        }
        return new TlsConfig(Optional.of(Path.of(cert)), Optional.of(Path.of(key)));
    }
}
