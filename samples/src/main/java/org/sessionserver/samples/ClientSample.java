package org.sessionserver.samples;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

/**
 * {@code java -jar samples.jar client [url] [token] [--polling]}: connects as a participant with socket.io-client-java,
 * prints the {@code session} event, sends one Event with an ack, prints what comes back, and exits after the echo (or
 * 10 s), closing its session on the way out. Defaults: http://localhost:3000 and the token {@code alice}
 * (AUTH_MODE=token: the token is the participant id); {@code --polling} stays on HTTP long-polling (as behind a proxy
 * that blocks WebSocket).
 */
public final class ClientSample {
    private ClientSample() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = Arrays.stream(args).skip(1).filter(arg -> !arg.startsWith("--")).toList();
        String url = positional.size() > 0 ? positional.get(0) : "http://localhost:3000";
        String token = positional.size() > 1 ? positional.get(1) : "alice";
        boolean pollingOnly = Arrays.asList(args).contains("--polling");
        OkHttpClient http = new OkHttpClient();
        IO.Options options = IO.Options.builder()
                .setAuth(Map.of("token", token))
                .setReconnection(false)
                .setTransports(pollingOnly ? new String[] {Polling.NAME} : new String[] {Polling.NAME, WebSocket.NAME})
                .build();
        options.callFactory = http; // our own client, so that close() can tell when its requests are done
        options.webSocketFactory = http;
        Socket socket = IO.socket(URI.create(url), options);
        CountDownLatch echoed = new CountDownLatch(1);

        socket.on(Socket.EVENT_CONNECT_ERROR, error -> {
            System.out.println("connect_error " + error[0]);
            echoed.countDown();
        });
        socket.on("session", session -> {
            System.out.println("session " + session[0]);
            JSONObject event = new JSONObject(Map.of(
                    "id", "evt_" + System.currentTimeMillis(),
                    "type", "user.action",
                    "source", Map.of("id", token),
                    "timestamp", Instant.now().toString(),
                    "data", Map.of("text", "hello from Java")));
            socket.emit("message", new Object[] {event}, (Ack) ack -> System.out.println("ack " + ack[0]));
        });
        socket.on("message", message -> {
            System.out.println("message " + message[0]);
            echoed.countDown();
        });
        socket.on("error", error -> System.out.println("error " + error[0]));
        socket.connect();
        boolean done = echoed.await(10, TimeUnit.SECONDS);
        close(socket, http);
        if (!done) {
            System.out.println("no message within 10 s");
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * Closes the session and waits (2 s at most) until the close has gone out: {@code close()} only starts it on the
     * client's own threads, and exiting at once can cut off the HTTP request that carries it on long-polling, leaving
     * the session to the server's ping timeout.
     */
    private static void close(Socket socket, OkHttpClient http) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        socket.on(Socket.EVENT_DISCONNECT, reason -> closed.countDown());
        socket.close();
        closed.await(2, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (http.dispatcher().runningCallsCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
