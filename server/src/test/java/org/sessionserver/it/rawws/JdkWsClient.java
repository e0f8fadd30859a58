package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.sessionserver.it.support.TestServer;

/**
 * A raw {@code /ws} client over java.net.http.WebSocket (JDK 17), recording every text frame as JSON, the WebSocket
 * pings it receives (the JDK answers them by itself) and the close code the server sent.
 */
final class JdkWsClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TestServer.WAIT).build();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    /** Frames taken off the queue by an await that was looking for something else. */
    private final List<JsonNode> skipped = new ArrayList<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final long openedAt;
    private volatile long closedAt;
    private final WebSocket ws;
    private volatile JsonNode session;

    private JdkWsClient(URI uri, String... headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TestServer.WAIT);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        StringBuilder partial = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(TestServer.json(partial.toString()));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                pings.incrementAndGet();
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closedAt = System.nanoTime();
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closedAt = System.nanoTime();
                closeCode.completeExceptionally(error);
            }
        };
        openedAt = System.nanoTime();
        try {
            ws = builder.buildAsync(uri, listener).get(TestServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot open " + uri + ": " + e, e);
        }
    }

    /** Opens {@code ws://127.0.0.1:<port>/ws<query>} with the given headers (name/value pairs). */
    static JdkWsClient open(TestServer server, String query, String... headers) {
        return new JdkWsClient(URI.create("ws://127.0.0.1:" + server.port() + "/ws" + query), headers);
    }

    /** The hello_ack payload, once a test recorded it. */
    JsonNode session() {
        return session;
    }

    void session(JsonNode session) {
        this.session = session;
    }

    String sessionId() {
        return session.get("sessionId").asText();
    }

    WebSocket webSocket() {
        return ws;
    }

    void send(String text) {
        join(ws.sendText(text, true), "send " + text);
    }

    void sendBinary(byte[] data) {
        join(ws.sendBinary(ByteBuffer.wrap(data), true), "send binary");
    }

    /** Sends {@code {"type":type,"request_id":requestId,"payload":payload}} (null parts left out). */
    void send(String type, String requestId, String payloadJson) {
        ObjectNode frame = TestServer.JSON.createObjectNode().put("type", type);
        if (requestId != null) {
            frame.put("request_id", requestId);
        }
        if (payloadJson != null) {
            frame.set("payload", TestServer.json(payloadJson));
        }
        send(frame.toString());
    }

    /** Sends a hello with this token and waits for its answer (hello_ack or error). */
    JsonNode hello(String token, boolean proxy) {
        send("hello", "hello-" + token, "{\"token\":\"" + token + "\",\"proxy\":" + proxy + ",\"client_meta\":{}}");
        return await(f -> f.path("request_id").asText().equals("hello-" + token));
    }

    /** The next frame (including any skipped earlier), waiting up to {@link TestServer#WAIT}. */
    JsonNode next() {
        return await(f -> true);
    }

    JsonNode awaitType(String type) {
        return await(f -> type.equals(f.path("type").asText()));
    }

    /** The first frame that matches, earlier non-matching frames kept for later awaits. */
    synchronized JsonNode await(Predicate<JsonNode> match) {
        for (Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (match.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + TestServer.WAIT.toNanos();
        List<JsonNode> seen = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame == null) {
                    fail("no matching frame within " + TestServer.WAIT.toMillis() + " ms; saw " + seen
                            + "; earlier " + skipped + "; close " + closeState());
                }
                if (match.test(frame)) {
                    return frame;
                }
                seen.add(frame);
                skipped.add(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts that no frame matching arrives within {@code window}. */
    synchronized void assertNone(Predicate<JsonNode> match, Duration window) {
        for (JsonNode frame : skipped) {
            if (match.test(frame)) {
                fail("unexpected frame " + frame);
            }
        }
        long deadline = System.nanoTime() + window.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                JsonNode frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null) {
                    if (match.test(frame)) {
                        fail("unexpected frame " + frame);
                    }
                    skipped.add(frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int pings() {
        return pings.get();
    }

    /** Asserts that the connection is open and answers: a ping gets its pong. */
    void assertStillWorks(String requestId) {
        assertTrue(isOpen(), "closed");
        send("ping", requestId, null);
        JsonNode pong = await(f -> requestId.equals(f.path("request_id").asText()));
        assertEquals("pong", pong.get("type").asText(), pong.toString());
    }

    boolean isOpen() {
        return !closeCode.isDone() && !ws.isInputClosed();
    }

    /** The close code the server sent, waiting up to {@code timeout}; fails on a drop without a close frame. */
    int awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("connection failed without a close frame: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("not closed within " + timeout.toMillis() + " ms; frames " + skipped + frames);
        }
    }

    int awaitClose() {
        return awaitClose(TestServer.WAIT);
    }

    /** Milliseconds from the start of the opening handshake to the close (after {@link #awaitClose}). */
    long openMillis() {
        return TimeUnit.NANOSECONDS.toMillis(closedAt - openedAt);
    }

    private String closeState() {
        if (!closeCode.isDone()) {
            return "open";
        }
        try {
            return "code " + closeCode.getNow(null);
        } catch (RuntimeException e) {
            return "error " + e.getCause();
        }
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(TestServer.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ignored) {
                // already closing or gone
            }
        }
        ws.abort();
    }
}
