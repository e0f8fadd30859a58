package org.sessionserver.compat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.SessionServer;
import org.sessionserver.compat.support.ScenarioScript;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.it.support.TestCertificates;
import org.sessionserver.it.support.TestCertificates.Issued;

/**
 * Every real client over TLS against the real server started with TLS_CERT_FILE and TLS_KEY_FILE (certificates made
 * by the test's authority, which each client trusts; verification and hostname checks on): socket.io-client 4.8.4
 * and the {@code ws} package under Node ({@code node/tls-scenarios.js}: session, ack, echo, an untrusted client
 * refused, raw {@code /ws} over wss), python-socketio 5.7.2 ({@code python/tls_scenarios.py}), and
 * socket.io-client-java 2.1.2 through an OkHttp client with the authority's trust manager; each on websocket,
 * polling, and polling then upgrade.
 */
class TlsClientsIT {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    private static final long WAIT_S = 5;

    @TempDir
    static Path dir;
    private static TestCertificates ca;
    private static Path caFile;
    private static SessionServer server;

    @BeforeAll
    static void start() {
        ca = TestCertificates.authority("compat-tls");
        caFile = ca.certFile(dir);
        Issued issued = ca.issue("compat-server", dir);
        server = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", "compat-tls",
                "TLS_CERT_FILE", issued.certFile().toString(), "TLS_KEY_FILE", issued.keyFile().toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String baseUrl() {
        return "https://127.0.0.1:" + server.port();
    }

    @ParameterizedTest(name = "{0} over TLS, {1}")
    @MethodSource("org.sessionserver.compat.support.ScenarioScript#onEachTransport")
    void scriptedClientsPass(ScenarioScript client, String transport) {
        client.assertPasses(SCRIPT_TIMEOUT, client == ScenarioScript.NODE ? "tls-scenarios.js" : "tls_scenarios.py",
                baseUrl(), transport, caFile.toString());
    }

    @ParameterizedTest(name = "socket.io-client-java over TLS, {0}")
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void javaClientConnectsAcksAndGetsItsEcho(String mode) throws Exception {
        OkHttpClient okHttp = new OkHttpClient.Builder()
                .sslSocketFactory(ca.clientContext().getSocketFactory(), ca.trustManager())
                .readTimeout(1, TimeUnit.MINUTES) // polling holds a request open for up to a ping interval
                .build();
        String participant = "java-tls-" + mode;
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTransports(mode.equals("websocket") ? new String[] {WebSocket.NAME}
                        : mode.equals("polling") ? new String[] {Polling.NAME}
                        : new String[] {Polling.NAME, WebSocket.NAME})
                .setUpgrade(mode.equals("upgrade"))
                .setAuth(Map.of("token", participant))
                .build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        Socket socket = IO.socket(URI.create(baseUrl()), options);
        BlockingQueue<Object> sessions = new LinkedBlockingQueue<>();
        BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        socket.on("session", args -> sessions.add(args[0]));
        socket.on("message", args -> messages.add(args[0]));
        try {
            socket.connect();
            JSONObject session = (JSONObject) sessions.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(session, "no session event over TLS (" + mode + ")");
            assertEquals(participant, session.getString("participantId"));
            String expected = mode.equals("polling") ? Polling.NAME : WebSocket.NAME;
            org.sessionserver.it.support.Await.until(() -> expected.equals(transportOf(socket)),
                    Duration.ofSeconds(WAIT_S), () -> "transport " + transportOf(socket) + ", expected " + expected);
            JSONObject event = new JSONObject(Map.of("id", "evt_java_tls", "type", "user.action",
                    "source", Map.of("id", participant), "timestamp", Instant.now().toString(), "data", Map.of()));
            BlockingQueue<Object> acks = new LinkedBlockingQueue<>();
            socket.emit("message", new Object[] {event}, (Ack) args -> acks.add(args[0]));
            JSONObject ack = (JSONObject) acks.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(ack, "no ack");
            assertTrue(ack.getBoolean("ok"), ack.toString());
            JSONObject echo = (JSONObject) messages.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(echo, "no echo");
            assertEquals("evt_java_tls", echo.getJSONObject("event").getString("id"));
        } finally {
            socket.close();
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
    }

    /** socket.io-client-java keeps the engine and its transport package-private: read reflectively, as JavaClientIT. */
    private static String transportOf(Socket socket) {
        try {
            java.lang.reflect.Field engineField = io.socket.client.Manager.class.getDeclaredField("engine");
            engineField.setAccessible(true);
            Object engine = engineField.get(socket.io());
            java.lang.reflect.Field transportField = io.socket.engineio.client.Socket.class
                    .getDeclaredField("transport");
            transportField.setAccessible(true);
            Object transport = engine == null ? null : transportField.get(engine);
            return transport == null ? null : ((io.socket.engineio.client.Transport) transport).name;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
