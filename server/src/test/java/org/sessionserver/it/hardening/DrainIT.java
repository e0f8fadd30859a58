package org.sessionserver.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * Stopping a node drains it: Socket.IO clients lose their transport (so socket.io-client reconnects, elsewhere behind
 * a load balancer) rather than being told to stay away, raw WebSockets get 1001, and it all ends within the budget.
 */
class DrainIT {
    @Test
    void closeTellsSocketIoClientsToReconnectAndRawClientsGoingAway() throws Exception {
        TestServer server = TestServer.start("DRAIN_TIMEOUT_MS", "2000");
        SioClient socketIo = SioClient.to(server).token("drainee").connect();

        CompletableFuture<Integer> rawClose = new CompletableFuture<>();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws?token=drainee"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        rawClose.complete(statusCode);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);

        long start = System.nanoTime();
        server.close();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // Both reasons make socket.io-client reconnect ("transport error" is what OkHttp reports for a closed TCP
        // connection); "io server disconnect" would not.
        String reason = String.valueOf(socketIo.await(Socket.EVENT_DISCONNECT)[0]);
        assertTrue(reason.equals("transport close") || reason.equals("transport error"), reason);
        assertEquals(1001, rawClose.get(5, TimeUnit.SECONDS));
        assertTrue(tookMs < 2000 + 6000, "drain took " + tookMs + " ms");
        socketIo.close();
    }
}
