package org.sessionserver.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;

/**
 * A well-behaved client that must keep working while the fuzz runs: each {@link #check} sends an event and waits for
 * its ack and its echo. Pings are answered in the background.
 */
abstract class Canary implements AutoCloseable {
    static final Duration ANSWER = Duration.ofSeconds(5);

    private final String name;
    final HandWebSocket ws;

    private Canary(String name, HandWebSocket ws) {
        this.name = name;
        this.ws = ws;
    }

    /** Sends event {@code round} and waits for both its ack and its echo. */
    final void check(int round) {
        String id = name + "-" + round;
        try {
            ws.sendText(eventFrame(round, Events.validJson(id, name)));
        } catch (IOException e) {
            throw new AssertionError(name + ": " + e, e);
        }
        boolean acked = false;
        boolean echoed = false;
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (!(acked && echoed)) {
            String text = next(deadline, "ack and echo of " + id);
            acked |= isAck(text, round);
            echoed |= isEcho(text, id);
        }
    }

    abstract String eventFrame(int round, String eventJson);

    abstract boolean isAck(String text, int round);

    abstract boolean isEcho(String text, String id);

    final String next(long deadline, String what) {
        try {
            HandWebSocket.Frame frame = ws.read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (frame == null || frame.isEnd() || frame.opcode() == HandWebSocket.CLOSE) {
                fail(name + ": " + what + ": " + (frame == null ? "nothing in time" : frame));
            }
            return frame.text();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        ws.close();
    }

    /** Socket.IO over a hand WebSocket, participant {@code canary-ws}. */
    static final class SocketIo extends Canary {
        SocketIo(int port) throws IOException {
            super("canary-ws", HandWebSocket.open(port, "/socket.io/?EIO=4&transport=websocket"));
            HandWebSocket.Frame open = ws.read(ANSWER);
            assertTrue(open != null && open.text().startsWith("0{"), "open packet: " + open);
            ws.startReader(true);
            ws.sendText("40{\"token\":\"canary-ws\"}");
            awaitText(t -> t.startsWith("40{\"sid\""), "CONNECT reply");
            awaitText(t -> t.startsWith("42[\"session\""), "session event");
        }

        @Override
        String eventFrame(int round, String eventJson) {
            return "42" + round + "[\"message\"," + eventJson + "]";
        }

        @Override
        boolean isAck(String text, int round) {
            return text.startsWith("43" + round + "[{\"ok\":true");
        }

        @Override
        boolean isEcho(String text, String id) {
            return text.startsWith("42[\"message\"") && text.contains("\"id\":\"" + id + "\"");
        }

        private void awaitText(Predicate<String> match, String what) {
            long deadline = System.nanoTime() + ANSWER.toNanos();
            while (!match.test(next(deadline, what))) {
                // skip what comes before
            }
        }
    }

    /** A raw /ws client, participant {@code canary-raw}. */
    static final class Raw extends Canary {
        Raw(int port) throws IOException {
            super("canary-raw", HandWebSocket.open(port, "/ws?token=canary-raw"));
            ws.startReader(false);
            String ack = next(System.nanoTime() + ANSWER.toNanos(), "hello_ack");
            assertTrue(ack.contains("\"hello_ack\""), ack);
        }

        @Override
        String eventFrame(int round, String eventJson) {
            return "{\"type\":\"message\",\"request_id\":\"c" + round + "\",\"payload\":" + eventJson + "}";
        }

        @Override
        boolean isAck(String text, int round) {
            JsonNode frame = TestServer.json(text);
            return frame.path("type").asText().equals("ack") && frame.path("request_id").asText().equals("c" + round)
                    && frame.path("payload").path("ok").asBoolean(false);
        }

        @Override
        boolean isEcho(String text, String id) {
            JsonNode frame = TestServer.json(text);
            return frame.path("type").asText().equals("message")
                    && frame.path("payload").path("event").path("id").asText().equals(id);
        }
    }
}
