package org.sessionserver.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.TestServer;

/**
 * A client that stops reading is dropped once the server holds more than its unsent-bytes limit for it, with a reason
 * (raw: close 1008 "slow consumer") and a metric; the server's memory does not grow with what the client ignores.
 */
class SlowConsumerIT {
    private static final String ENGINE_KEY = "engine-key-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("ENGINE_KEY", ENGINE_KEY, "ENGINE", "discard");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rawClientThatStopsReadingIsDroppedAsSlowConsumer() throws Exception {
        try (Socket client = new Socket()) {
            // A small, fixed receive window (set before connecting, so the kernel cannot grow it to tens of MiB).
            client.setReceiveBufferSize(16 * 1024);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = client.getOutputStream();
            out.write(("GET /ws?token=sleepy HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = client.getInputStream();
            byte[] head = new byte[256];
            assertTrue(in.read(head) > 0, "no handshake answer");
            Await.until(() -> server.get("/health", null).body().contains("\"connections\":1"),
                    () -> "the raw client never became a session");

            // Now read nothing while the engine sends far more than the limit (2 MiB) can hold.
            String blob = "x".repeat(400_000);
            String message = "{\"to\":[{\"participantId\":\"sleepy\"}],\"data\":{\"blob\":\"" + blob + "\"}}";
            for (int i = 0; i < 40 && server.get("/health", null).body().contains("\"connections\":1"); i++) {
                assertEquals(202, server.post("/messages", message, ENGINE_KEY).statusCode());
            }
            Await.until(() -> server.get("/health", null).body().contains("\"connections\":0"), Duration.ofSeconds(10),
                    () -> "the slow consumer was never dropped");
            // The series exists from the start (at 0): its value tells.
            Await.until(() -> server.metric("sessions_disconnects_total", "reason=\"slow consumer\"") >= 1,
                    () -> "no slow-consumer disconnect in the metrics");
        }
    }

    @Test
    void pollingClientThatStopsPollingIsDroppedAsSlowConsumer() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String base = server.url() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String sid = TestServer.JSON.readTree(open.substring(1)).get("sid").asText();
        String session = base + "&sid=" + sid;
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(session))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("40{\"token\":\"idle\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        Await.until(() -> server.get("/health", null).body().contains("\"connections\":1"),
                () -> "the polling client never became a session");

        String message = "{\"to\":[{\"participantId\":\"idle\"}],\"data\":{\"blob\":\"" + "y".repeat(600_000) + "\"}}";
        for (int i = 0; i < 5; i++) {
            server.post("/messages", message, ENGINE_KEY);
        }
        Await.until(() -> server.get("/health", null).body().contains("\"connections\":0"),
                () -> "the idle poller was never dropped");
        int status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(session)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        assertEquals(400, status, "the session should be gone");
    }
}
