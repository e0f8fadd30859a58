package org.sessionserver.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.SessionServer;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.it.support.TestCertificates;
import org.sessionserver.it.support.TestCertificates.Issued;
import org.sessionserver.it.support.TestServer;
import org.sessionserver.it.support.TlsProbe;

/**
 * TLS_CERT_FILE and TLS_KEY_FILE, with the server in-process: HTTPS and WSS only, ALPN http/1.1, a rotation by
 * {@link SessionServer#reloadTls} (what SIGHUP calls; {@code TlsSighupIT} sends the real signal to the jar), bad
 * files at start and at reload. Clients trust the test authority, with hostname checks on.
 */
class TlsIT {
    private static final TestCertificates CA = TestCertificates.authority("tls-it");

    @TempDir
    Path dir;
    private SessionServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts a server on the files of {@code issued}, copied to fixed paths that rotations overwrite. */
    private Path[] start(Issued issued) throws IOException {
        Path cert = Files.copy(issued.certFile(), dir.resolve("server-cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Path key = Files.copy(issued.keyFile(), dir.resolve("server-key.pem"), StandardCopyOption.REPLACE_EXISTING);
        server = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "TLS_CERT_FILE", cert.toString(),
                "TLS_KEY_FILE", key.toString())));
        return new Path[] {cert, key};
    }

    /** Puts new files in place as a deployment tool would: written aside, then moved over the old ones. */
    private static void replace(Path target, Path with) throws IOException {
        Path staged = Files.copy(with, target.resolveSibling(target.getFileName() + ".new"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private HttpClient https() {
        return HttpClient.newBuilder().sslContext(CA.clientContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TestServer.WAIT).build();
    }

    private String base() {
        return "https://127.0.0.1:" + server.port();
    }

    @Test
    void healthEventsAndMetricsAnswerOverHttpsWithAlpnHttp11() throws Exception {
        start(CA.issue("server", dir));
        HttpResponse<String> health = https().send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("ok", TestServer.json(health.body()).path("status").asText());
        String event = "{\"id\":\"evt_tls\",\"type\":\"t\",\"source\":{\"id\":\"alice\"},\"timestamp\":\""
                + Instant.now() + "\"}";
        HttpResponse<String> accepted = https().send(HttpRequest.newBuilder(URI.create(base() + "/event"))
                .header("Authorization", "Bearer alice").POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        try (TlsProbe probe = TlsProbe.open(CA.clientContext(), server.port())) {
            assertEquals("http/1.1", probe.alpn(), "ALPN: h2 is offered too, http/1.1 is chosen");
            assertTrue(probe.get("/metrics").startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void openSslServesWhenNettyTcnativeLoads() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux"),
                "netty-tcnative-boringssl-static is shipped for linux-x86_64 only");
        assertTrue(OpenSsl.isAvailable(), () -> "OpenSSL did not load: " + OpenSsl.unavailabilityCause());
        start(CA.issue("server", dir));
        try (TlsProbe probe = TlsProbe.open(CA.clientContext(), server.port())) {
            assertTrue(probe.get("/health").startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void plainHttpIsNotServedOnATlsPort() throws Exception {
        start(CA.issue("server", dir));
        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = plain.getInputStream();
            byte[] answer = in.readNBytes(5);
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/"),
                    "a plain HTTP request got an HTTP answer on the TLS port");
        }
    }

    @Test
    void rawWebSocketOverWss() throws Exception {
        start(CA.issue("server", dir));
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket socket = https().newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port()
                + "/ws?token=alice"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            String helloAck = first.get(5, TimeUnit.SECONDS);
            assertEquals("hello_ack", TestServer.json(helloAck).path("type").asText());
            assertEquals("alice", TestServer.json(helloAck).path("payload").path("participantId").asText());
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    @Test
    void aReloadGivesNewConnectionsTheNewCertificateWhileOpenOnesStay() throws Exception {
        Issued first = CA.issue("first", dir);
        Path[] files = start(first);
        try (TlsProbe before = TlsProbe.open(CA.clientContext(), server.port())) {
            assertEquals(first.serial(), before.serial());
            assertTrue(before.get("/health").startsWith("HTTP/1.1 200"));

            Issued second = CA.issue("second", dir);
            replace(files[0], second.certFile());
            replace(files[1], second.keyFile());
            assertEquals(first.serial(), probeSerial(), "nothing changes before the reload");
            assertTrue(server.reloadTls());
            assertEquals(second.serial(), probeSerial(), "a new connection gets the new certificate");

            assertTrue(before.get("/health").startsWith("HTTP/1.1 200"), "the open connection still serves");
            assertEquals(first.serial(), before.serial());
        }
    }

    @Test
    void aBadFileAtReloadKeepsTheCertificateInUse() throws Exception {
        Issued first = CA.issue("first", dir);
        Path[] files = start(first);
        Files.writeString(files[0], "not a certificate");
        assertFalse(server.reloadTls());
        assertEquals(first.serial(), probeSerial());
        Issued other = CA.issue("other", dir);
        replace(files[0], other.certFile()); // a new certificate with the old key: they do not belong together
        assertFalse(server.reloadTls());
        assertEquals(first.serial(), probeSerial());
        replace(files[1], other.keyFile());
        assertTrue(server.reloadTls());
        assertEquals(other.serial(), probeSerial());
    }

    private BigInteger probeSerial() {
        try (TlsProbe probe = TlsProbe.open(CA.clientContext(), server.port())) {
            return probe.serial();
        }
    }

    @Test
    void badFilesStopTheStartWithAOneLineReasonNamingTheVariable() throws Exception {
        Issued good = CA.issue("good", dir);
        Issued other = CA.issue("other", dir);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "garbage");
        Path missing = dir.resolve("missing.pem");
        Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Issued expired = CA.issue("expired", dir, Instant.now().minus(Duration.ofDays(3)),
                Instant.now().minus(Duration.ofDays(1)));
        assertStartRefused("TLS_CERT_FILE", "cannot read", missing, good.keyFile());
        assertStartRefused("TLS_CERT_FILE", "no PEM CERTIFICATE", garbage, good.keyFile());
        assertStartRefused("TLS_KEY_FILE", "cannot read", good.certFile(), missing);
        assertStartRefused("TLS_KEY_FILE", "no PEM PRIVATE KEY", good.certFile(), good.certFile());
        assertStartRefused("TLS_KEY_FILE", "not PKCS#8", good.certFile(), pkcs1);
        assertStartRefused("TLS_CERT_FILE", "do not belong together", good.certFile(), other.keyFile());
        assertStartRefused("TLS_CERT_FILE", "expired", expired.certFile(), expired.keyFile());
        ConfigException onlyOne = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
                Map.of("TLS_CERT_FILE", good.certFile().toString())));
        assertEquals("TLS_KEY_FILE: required when TLS_CERT_FILE is set (both or neither)", onlyOne.getMessage());
    }

    private static void assertStartRefused(String variable, String reason, Path cert, Path key) {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "TLS_CERT_FILE", cert.toString(),
                "TLS_KEY_FILE", key.toString()));
        ConfigException e = assertThrows(ConfigException.class, () -> SessionServer.start(ServerConfig.fromEnv(env))
                .close());
        assertTrue(e.getMessage().startsWith(variable + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertNotEquals(null, e.getMessage());
    }
}
