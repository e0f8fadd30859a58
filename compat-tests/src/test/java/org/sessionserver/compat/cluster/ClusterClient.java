package org.sessionserver.compat.cluster;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.json.JSONObject;

/**
 * socket.io-client-java 2.1.2 over WebSocket, authenticated with {@code auth.token} = participant id, connected to one
 * node: keeps every {@code message} it receives, and its {@code session} payload.
 */
final class ClusterClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** One HTTP client for every socket, with no per-host cap (OkHttp's default of 5 would queue connections). */
    private static final okhttp3.OkHttpClient HTTP = newHttpClient();

    private final Socket socket;
    private final BlockingQueue<Object[]> connects = new LinkedBlockingQueue<>();
    private final BlockingQueue<JSONObject> sessions = new LinkedBlockingQueue<>();
    final List<JSONObject> messages = new CopyOnWriteArrayList<>();
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    private volatile Consumer<JSONObject> onMessage = message -> { };
    private JSONObject session;

    private static okhttp3.OkHttpClient newHttpClient() {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        return new okhttp3.OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
    }

    private ClusterClient(Socket socket) {
        this.socket = socket;
        socket.on(Socket.EVENT_CONNECT, connects::add);
        socket.on(Socket.EVENT_CONNECT_ERROR, connects::add);
        socket.on(Socket.EVENT_DISCONNECT, args -> disconnects.add(String.valueOf(args.length > 0 ? args[0] : "")));
        socket.on("session", args -> sessions.add((JSONObject) args[0]));
        socket.on("message", args -> {
            JSONObject message = (JSONObject) args[0];
            messages.add(message);
            onMessage.accept(message);
        });
    }

    /** Connects participant {@code participantId} to the node at {@code port}; waits for the {@code session} event. */
    static ClusterClient connect(int port, String participantId, boolean proxy) {
        Map<String, Object> auth = new HashMap<>();
        auth.put("token", participantId);
        if (proxy) {
            auth.put("proxy", true); // a JSON boolean: the client sends new JSONObject(auth), whatever its map type says
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(WAIT.toMillis())
                .setTransports(new String[] {"websocket"})
                .setUpgrade(false)
                .setAuth((Map) auth)
                .build();
        options.callFactory = HTTP;
        options.webSocketFactory = HTTP;
        ClusterClient client = new ClusterClient(IO.socket(URI.create("http://127.0.0.1:" + port), options));
        client.socket.connect();
        try {
            Object[] connected = client.connects.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (connected == null || !client.socket.connected()) {
                throw new AssertionError("participant " + participantId + " did not connect to port " + port + ": "
                        + (connected == null ? "timeout" : List.of(connected)));
            }
            client.session = client.sessions.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (client.session == null) {
                throw new AssertionError("no session event for " + participantId + " on port " + port);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new AssertionError(e);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    static ClusterClient connect(int port, String participantId) {
        return connect(port, participantId, false);
    }

    String sessionId() {
        return session.optString("sessionId");
    }

    String nodeId() {
        return session.optString("nodeId");
    }

    JSONObject session() {
        return session;
    }

    boolean connected() {
        return socket.connected();
    }

    /** Called on the client's event thread for each {@code message}, after it is recorded. */
    void onMessage(Consumer<JSONObject> listener) {
        this.onMessage = listener;
    }

    /** Answers server requests for {@code event} with what {@code answer} makes of the data. */
    void answer(String event, java.util.function.Function<Object, Object> answer) {
        socket.on(event, args -> {
            Ack ack = (Ack) args[args.length - 1];
            ack.call(answer.apply(args.length > 1 ? args[0] : null));
        });
    }

    /** Listens to {@code event} without ever acknowledging it. */
    void ignore(String event) {
        socket.on(event, args -> { });
    }

    /** Emits {@code message} with the event and waits for the ack. */
    JSONObject send(JSONObject event) {
        return emit("message", event);
    }

    /** Emits {@code name} with one argument and waits for the ack. */
    JSONObject emit(String name, Object argument) {
        BlockingQueue<Object[]> acks = new LinkedBlockingQueue<>();
        socket.emit(name, new Object[] {argument}, (Ack) acks::add);
        try {
            Object[] ack = acks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (ack == null) {
                throw new AssertionError("no ack for " + name + " " + argument);
            }
            return (JSONObject) ack[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value at {@code path} (dot-separated object keys) of each message received, in order. */
    List<String> received(String... path) {
        return messages.stream().map(message -> {
            Object value = message;
            for (String key : path) {
                value = value instanceof JSONObject object ? object.opt(key) : null;
            }
            return String.valueOf(value);
        }).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
