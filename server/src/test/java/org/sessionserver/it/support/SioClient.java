package org.sessionserver.it.support;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/**
 * socket.io-client-java 2.1.2 connected to a {@link TestServer}, recording every event it receives by name. Build
 * with {@link #to}, then {@link Builder#connect()} (waits for {@code connect} and {@code session}) or
 * {@link Builder#refused()} (waits for {@code connect_error}).
 */
public final class SioClient implements AutoCloseable {
    private static final String[] RECORDED = {Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR,
        Socket.EVENT_DISCONNECT, "session", "message", "error"};

    /**
     * One HTTP client for all test sockets, allowing many concurrent requests to one host: OkHttp's default of 5 would
     * stall the sixth long-polling connection (each holds a pending GET), a client-side limit, not the server's.
     */
    private static final okhttp3.OkHttpClient HTTP = newHttpClient();

    private static okhttp3.OkHttpClient newHttpClient() {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequests(1000);
        dispatcher.setMaxRequestsPerHost(1000);
        return new okhttp3.OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .readTimeout(1, TimeUnit.MINUTES) // the client's default (no timeout) also works; bound it
                .build();
    }

    private final Socket socket;
    private final Map<String, BlockingQueue<Object[]>> events = new ConcurrentHashMap<>();
    private JSONObject session;

    private SioClient(Socket socket) {
        this.socket = socket;
        for (String name : RECORDED) {
            socket.on(name, args -> queue(name).add(args));
        }
    }

    public static Builder to(TestServer server) {
        return new Builder(server);
    }

    /** How the client connects. */
    public static final class Builder {
        private final TestServer server;
        private final Map<String, Object> auth = new HashMap<>();
        private final Map<String, List<String>> headers = new HashMap<>();
        private String query;
        private String[] transports = {"websocket"};
        private boolean upgrade;

        private Builder(TestServer server) {
            this.server = server;
        }

        /** {@code auth.token}. */
        public Builder token(String token) {
            auth.put("token", token);
            return this;
        }

        /** Any CONNECT payload entry, of any JSON type (the client's option is a Map of strings only by its type). */
        public Builder auth(String name, Object value) {
            auth.put(name, value);
            return this;
        }

        /** The handshake query string, e.g. {@code token=alice}. */
        public Builder query(String query) {
            this.query = query;
            return this;
        }

        /** A header on every handshake request (polling and websocket). */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        public Builder websocket() {
            transports = new String[] {"websocket"};
            upgrade = false;
            return this;
        }

        public Builder polling() {
            transports = new String[] {"polling"};
            upgrade = false;
            return this;
        }

        public Builder pollingThenUpgrade() {
            transports = new String[] {"polling", "websocket"};
            upgrade = true;
            return this;
        }

        /** Creates the client and starts connecting, without waiting. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public SioClient open() {
            IO.Options options = IO.Options.builder()
                    .setForceNew(true)
                    .setReconnection(false)
                    .setTimeout(TestServer.WAIT.toMillis())
                    .setTransports(transports)
                    .setUpgrade(upgrade)
                    .setQuery(query)
                    .setExtraHeaders(headers.isEmpty() ? null : headers)
                    // the client types it Map<String,String>; it sends new JSONObject(map), so other types pass through
                    .setAuth(auth.isEmpty() ? null : (Map) new HashMap<>(auth))
                    .build();
            options.callFactory = HTTP;
            options.webSocketFactory = HTTP;
            SioClient client = new SioClient(IO.socket(URI.create(server.url()), options));
            client.socket.connect();
            return client;
        }

        /** Connects and waits for {@code connect} and then the {@code session} event. */
        public SioClient connect() {
            SioClient client = open();
            try {
                client.await(Socket.EVENT_CONNECT);
                client.session = client.awaitJson("session");
            } catch (AssertionError e) {
                client.close();
                throw e;
            }
            return client;
        }

        /** Expects a refusal: returns the {@code connect_error} payload. */
        public JSONObject refused() {
            try (SioClient client = open()) {
                Object[] args = client.await(Socket.EVENT_CONNECT_ERROR);
                if (!client.queue(Socket.EVENT_CONNECT).isEmpty()) {
                    fail("connected although refused");
                }
                return assertInstanceOf(JSONObject.class, args[0], "connect_error payload");
            }
        }
    }

    public Socket socket() {
        return socket;
    }

    /** The {@code session} event's payload. */
    public JSONObject session() {
        return session;
    }

    public String sessionId() {
        return session.optString("sessionId");
    }

    public BlockingQueue<Object[]> queue(String name) {
        return events.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
    }

    /** Records another event (register before the server may send it). */
    public SioClient record(String name) {
        socket.on(name, args -> queue(name).add(args));
        return this;
    }

    public Object[] await(String name) {
        return await(name, TestServer.WAIT);
    }

    public Object[] await(String name, Duration timeout) {
        try {
            Object[] args = queue(name).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (args == null) {
                fail("no '" + name + "' within " + timeout.toMillis() + " ms; seen " + events.keySet());
            }
            return args;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code name} event's first argument, a JSON object. */
    public JSONObject awaitJson(String name) {
        Object[] args = await(name);
        if (args.length == 0) {
            fail("'" + name + "' without arguments");
        }
        return assertInstanceOf(JSONObject.class, args[0], "'" + name + "' argument");
    }

    /** The next {@code name} event's first argument, as Jackson JSON for comparing. */
    public JsonNode awaitNode(String name) {
        return TestServer.json(awaitJson(name).toString());
    }

    /** Asserts that no {@code name} event arrives within {@code window} (a bounded wait for an absence). */
    public void assertNone(String name, Duration window) {
        try {
            Object[] args = queue(name).poll(window.toMillis(), TimeUnit.MILLISECONDS);
            if (args != null) {
                fail("unexpected '" + name + "': " + java.util.Arrays.toString(args));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Emits {@code event} with an ack callback and returns the ack's first argument, as Jackson JSON. */
    public JsonNode emitWithAck(String event, Object arg) {
        BlockingQueue<Object[]> acks = new LinkedBlockingQueue<>();
        socket.emit(event, new Object[] {arg}, (Ack) acks::add);
        try {
            Object[] ack = acks.poll(TestServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (ack == null) {
                fail("no ack for '" + event + "' within " + TestServer.WAIT.toMillis() + " ms; connected="
                        + socket.connected());
            }
            return TestServer.json(ack[0].toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends an event as {@code message} with an ack; returns the ack. */
    public JsonNode send(Object event) {
        return emitWithAck("message", event);
    }

    public void emit(String event, Object... args) {
        socket.emit(event, args);
    }

    public boolean connected() {
        return socket.connected();
    }

    @Override
    public void close() {
        socket.close();
    }
}
