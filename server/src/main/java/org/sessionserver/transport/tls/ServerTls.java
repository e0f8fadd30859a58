package org.sessionserver.transport.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of the client port: the certificate and key of {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE}, served
 * with OpenSSL (BoringSSL from netty-tcnative) when it loads, else with the JDK's engine; ALPN offers
 * {@code http/1.1}. {@link #reload} reads the files again: each new connection takes the context current when it is
 * accepted, so connections open before a rotation keep theirs.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final Path certFile;
    private final Path keyFile;
    private final SslProvider provider;
    private final AtomicReference<SslContext> current = new AtomicReference<>();

    private ServerTls(Path certFile, Path keyFile, SslProvider provider) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.provider = provider;
    }

    /**
     * Reads and checks both files, or throws with the reason.
     */
    public static ServerTls load(Path certFile, Path keyFile) throws TlsFileException {
        SslProvider provider = chooseProvider();
        ServerTls tls = new ServerTls(certFile, keyFile, provider);
        PemCredentials credentials = PemCredentials.read(certFile, keyFile);
        tls.current.set(tls.context(credentials));
        log.info("TLS on: {} ({}); certificate {}", provider == SslProvider.OPENSSL ? "OpenSSL" : "JDK",
                provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK's SSLEngine",
                credentials.describe());
        return tls;
    }

    /** The context for a connection accepted now. */
    public SslContext current() {
        return current.get();
    }

    /** The engine in use: {@code openssl} or {@code jdk}. */
    public String engine() {
        return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
    }

    /**
     * Reads the files again (SIGHUP). On success new connections get the new certificate; on failure the old one
     * stays and the log says why.
     *
     * @return whether the new certificate is in use
     */
    public boolean reload() {
        try {
            PemCredentials credentials = PemCredentials.read(certFile, keyFile);
            current.set(context(credentials));
            log.info("TLS reloaded: certificate {}", credentials.describe());
            return true;
        } catch (TlsFileException e) {
            log.error("TLS reload refused, the previous certificate stays: {}", e.getMessage());
            return false;
        }
    }

    private SslContext context(PemCredentials credentials) throws TlsFileException {
        try {
            return SslContextBuilder.forServer(credentials.key(), credentials.chain())
                    .sslProvider(provider)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsFileException(TlsFileException.Culprit.CERTIFICATE, certFile + " and " + keyFile
                    + ": refused by the TLS engine (" + e.getMessage() + ")");
        }
    }

    /** OpenSSL when netty-tcnative loaded and does ALPN, else the JDK; the log says which and why. */
    private static SslProvider chooseProvider() {
        if (OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)) {
            return SslProvider.OPENSSL;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        log.warn("TLS: OpenSSL (netty-tcnative) unavailable, using the JDK's engine ({})",
                cause == null ? "no ALPN" : cause.toString());
        return SslProvider.JDK;
    }
}
