package org.sessionserver.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;

/**
 * Under more than the clients take, publishers wait instead of the server queueing without limit: raw clients that
 * stop reading let their unsent data grow until the node's outbound backlog passes {@code BACKLOG_LIMIT_BYTES}; from
 * then on {@code POST /messages} is held, and refused with 503 {@code unavailable} and {@code Retry-After} after
 * {@code BACKLOG_WAIT_MS}, long before any client reaches the 2 MiB slow-consumer limit; once the clients read again,
 * a held publisher is answered 202 and its message arrives.
 */
class BackpressureIT {
    private static final String ENGINE_KEY = "engine-key-0123456789";
    private static final int CLIENTS = 4;
    private static final long LIMIT = 256 * 1024;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("ENGINE_KEY", ENGINE_KEY, "ENGINE", "discard",
                "BACKLOG_LIMIT_BYTES", String.valueOf(LIMIT), "BACKLOG_WAIT_MS", "3000");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void publishersWaitWhileClientsDoNotReadAndGoOnWhenTheyDo() throws Exception {
        List<HandWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(HandWebSocket.openWithReceiveBuffer(server.port(), 16 * 1024, "/ws?token=sleepy"));
            }
            Await.until(() -> server.get("/health", null).body().contains("\"connections\":" + CLIENTS),
                    () -> "the raw clients never became sessions");

            // 200 KB to each client per message: the kernel's socket buffers take a few MB, the rest is unsent data
            // in the server; 60 messages would take each client far past the 2 MiB slow-consumer limit.
            String message = message("x".repeat(200_000));
            HttpResponse<String> refused = null;
            for (int i = 0; i < 60 && refused == null; i++) {
                HttpResponse<String> answer = server.post("/messages", message, ENGINE_KEY);
                if (answer.statusCode() != 202) {
                    refused = answer;
                }
            }
            assertTrue(refused != null, "every POST was accepted at once: nothing held the publisher back");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"code\":\"unavailable\""), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(server.metric("sessions_publishers_refused_total", null) >= 1);
            assertEquals(1, server.metric("sessions_backlog_behind", null));
            assertTrue(server.metric("sessions_backlog_bytes", null) >= LIMIT / 2);
            assertTrue(server.get("/health", null).body().contains("\"connections\":" + CLIENTS),
                    "a client was dropped: the backlog was not bounded before the slow-consumer limit");
            assertEquals(0, server.metric("sessions_disconnects_total", "reason=\"slow consumer\""));

            // A publisher that arrives now waits...
            double held = server.metric("sessions_publishers_held_total", null);
            CompletableFuture<HttpResponse<String>> waiting = server.httpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(server.url() + "/messages"))
                            .header("Authorization", "Bearer " + ENGINE_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(message("after-the-wait"),
                                    StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Await.until(() -> server.metric("sessions_publishers_held_total", null) > held,
                    () -> "the publisher was not held back");
            assertTrue(!waiting.isDone(), "answered while the backlog is over its bound");

            // ...until the clients read again: then it is answered, and its message arrives.
            clients.forEach(client -> client.startReader(false));
            assertEquals(202, waiting.get(10, TimeUnit.SECONDS).statusCode());
            for (HandWebSocket client : clients) {
                assertTrue(client.receivesText("after-the-wait", Duration.ofSeconds(10)),
                        "the held message never arrived");
            }
            Await.until(() -> server.metric("sessions_backlog_behind", null) == 0,
                    () -> "the node never caught up");
            assertEquals(202, server.post("/messages", message("at-once"), ENGINE_KEY).statusCode());
            assertTrue(clients.get(0).receivesText("at-once", Duration.ofSeconds(10)));
        } finally {
            clients.forEach(HandWebSocket::close);
        }
    }

    /** A polling session's buffer counts while it waits for a poll, and not once the session is closed. */
    @Test
    void aClosedPollingSessionLeavesNothingInTheBacklog() {
        org.sessionserver.it.support.EioPolling polling = new org.sessionserver.it.support.EioPolling(server.url());
        String sid = polling.handshake();
        polling.push(sid, "40{\"token\":\"poller\"}");
        Await.until(() -> polling.poll(sid).body().contains("\"sid\""), () -> "no CONNECT reply");
        String big = "{\"to\":[{\"participantId\":\"poller\"}],\"data\":{\"text\":\"" + "y".repeat(100_000)
                + "\"}}";
        assertEquals(202, server.post("/messages", big, ENGINE_KEY).statusCode());
        Await.until(() -> server.metric("sessions_backlog_bytes", null) >= 100_000,
                () -> "the unpolled message is not in the backlog");
        polling.push(sid, "1"); // the client closes the session without taking the message
        Await.until(() -> server.metric("sessions_backlog_bytes", null) == 0,
                () -> "a closed session still counts: " + server.metric("sessions_backlog_bytes", null));
    }

    private static String message(String text) {
        return "{\"to\":[{\"participantId\":\"sleepy\"}],\"data\":{\"text\":\"" + text + "\"}}";
    }
}
