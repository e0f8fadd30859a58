package org.sessionserver.samples;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/**
 * {@code java -jar samples.jar client [url] [token]}: connects as a participant with socket.io-client-java, prints
 * the {@code session} event, sends one Event with an ack, prints what comes back, and exits after the echo (or 10 s).
 * Defaults: http://localhost:3000 and the token {@code alice} (AUTH_MODE=token: the token is the participant id).
 */
public final class ClientSample {
    private ClientSample() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 1 ? args[1] : "http://localhost:3000";
        String token = args.length > 2 ? args[2] : "alice";
        IO.Options options = IO.Options.builder().setAuth(Map.of("token", token)).setReconnection(false).build();
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
        socket.close();
        if (!done) {
            System.out.println("no message within 10 s");
            System.exit(1);
        }
        System.exit(0);
    }
}
