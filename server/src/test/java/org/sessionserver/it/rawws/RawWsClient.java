package org.sessionserver.it.rawws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.sessionserver.it.support.TestServer;
import org.sessionserver.it.support.WsRecorder;

/**
 * A client of the raw {@code /ws} endpoint that speaks its JSON frames ({@code hello}, {@code request_id}s) over a
 * {@link WsRecorder}, which reads the socket itself and so sees every TCP close.
 */
final class RawWsClient implements AutoCloseable {
    private final WsRecorder ws;
    /** Frames taken off the recorder by an await that was looking for something else. */
    private final List<JsonNode> skipped = new ArrayList<>();
    private volatile JsonNode session;

    private RawWsClient(WsRecorder ws) {
        this.ws = ws;
    }

    /** Opens {@code ws://127.0.0.1:<port>/ws<query>} with the given headers (name/value pairs). */
    static RawWsClient open(TestServer server, String query, String... headers) {
        return openPath(server, "/ws" + query, headers);
    }

    /** Opens {@code ws://127.0.0.1:<port><pathAndQuery>} with the given headers (name/value pairs). */
    static RawWsClient openPath(TestServer server, String pathAndQuery, String... headers) {
        String[] lines = new String[headers.length / 2];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = headers[2 * i] + ": " + headers[2 * i + 1];
        }
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
        return new RawWsClient(WsRecorder.open(uri, false, lines));
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

    void send(String text) {
        ws.sendText(text);
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(data);
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
        while (true) {
            JsonNode frame = nextFrame(deadline);
            if (frame == null) {
                fail("no matching frame within " + TestServer.WAIT.toMillis() + " ms; saw " + seen
                        + "; earlier " + skipped + "; " + (ws.isEnded() ? "ended " + ws.awaitEnd(Duration.ZERO)
                        : "open"));
            }
            if (match.test(frame)) {
                return frame;
            }
            seen.add(frame);
            skipped.add(frame);
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
        for (JsonNode frame = nextFrame(deadline); frame != null; frame = nextFrame(deadline)) {
            if (match.test(frame)) {
                fail("unexpected frame " + frame);
            }
            skipped.add(frame);
        }
    }

    /** The next text frame as JSON, or null when the connection ends or {@code deadline} passes first. */
    private JsonNode nextFrame(long deadline) {
        long left = deadline - System.nanoTime();
        String text = left <= 0 ? null : ws.nextTextOrEnd(Duration.ofNanos(left));
        return text == null ? null : TestServer.json(text);
    }

    /** How many WebSocket ping frames the server has sent (the recorder answers them). */
    int pings() {
        return ws.pings();
    }

    /** Asserts that the connection is open and answers: a ping gets its pong. */
    void assertStillWorks(String requestId) {
        assertTrue(isOpen(), "closed");
        send("ping", requestId, null);
        JsonNode pong = await(f -> requestId.equals(f.path("request_id").asText()));
        assertEquals("pong", pong.get("type").asText(), pong.toString());
    }

    boolean isOpen() {
        return !ws.isEnded();
    }

    /** The close code the server sent, waiting up to {@code timeout}; fails on a drop without a close frame. */
    int awaitClose(Duration timeout) {
        WsRecorder.Ended end = ws.awaitEnd(timeout);
        if (end.error() != null) {
            throw new AssertionError("connection failed without a close frame: " + end.error(), end.error());
        }
        return end.statusCode();
    }

    int awaitClose() {
        return awaitClose(TestServer.WAIT);
    }

    /** Milliseconds from the start of the opening handshake to the close (after {@link #awaitClose}). */
    long openMillis() {
        return ws.millisOpenUntil(ws.awaitEnd(Duration.ZERO));
    }

    @Override
    public void close() {
        ws.close();
    }
}
