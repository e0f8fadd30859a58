package org.sessionserver.compat.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sessionserver.it.support.HandWebSocket;

/**
 * A plain WebSocket agent on {@code /ws} (the raw endpoint), authenticated by {@code ?token=} = participant id: keeps
 * the payload of every {@code message} frame it receives, and its {@code hello_ack}.
 */
final class RawAgent implements AutoCloseable {
    private final HandWebSocket socket;
    private final JsonNode helloAck;
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    /** Every frame received after hello_ack, whatever its type. */
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();

    private RawAgent(HandWebSocket socket, JsonNode helloAck) {
        this.socket = socket;
        this.helloAck = helloAck;
    }

    /** Connects and waits for {@code hello_ack}; then records messages on a thread of its own. */
    static RawAgent connect(int port, String participantId) {
        try {
            HandWebSocket socket = HandWebSocket.open(port, "/ws?token=" + participantId);
            socket.startReader(false);
            HandWebSocket.Frame first = socket.read(ClusterClient.WAIT);
            JsonNode ack = first == null || first.isEnd() ? null : Cluster.JSON.readTree(first.text());
            if (ack == null || !ack.path("type").asText().equals("hello_ack")) {
                socket.close();
                throw new AssertionError("raw agent " + participantId + " got no hello_ack but " + first);
            }
            RawAgent agent = new RawAgent(socket, ack.path("payload"));
            Thread reader = new Thread(agent::record, "raw-agent-" + participantId);
            reader.setDaemon(true);
            reader.start();
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record() {
        try {
            while (true) {
                HandWebSocket.Frame frame = socket.read(Duration.ofMinutes(10));
                if (frame == null || frame.isEnd()) {
                    return;
                }
                JsonNode node = Cluster.JSON.readTree(frame.text());
                frames.add(node);
                if (node.path("type").asText().equals("message")) {
                    messages.add(node.path("payload"));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Sends one text frame. */
    void send(String text) {
        try {
            socket.sendText(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String sessionId() {
        return helloAck.path("sessionId").asText();
    }

    String helloParticipant() {
        return helloAck.path("participantId").asText();
    }

    String nodeId() {
        return helloAck.path("nodeId").asText();
    }

    /** The value at {@code data.<field>} of each message received, in order. */
    List<String> received(String field) {
        return messages.stream().map(message -> message.path("data").path(field).asText()).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
