package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.ClusterPacket;

/**
 * Connection state recovery across nodes: a client that reconnects here with the pid of a session another node
 * keeps gets that session's missed messages through Redis (a RECOVER packet to the old node, answered by RECOVERED
 * with its log). If the old node does not answer in time (it died, Redis is down) the client gets a fresh session.
 */
public final class RecoveryHandover {
    /** How long a reconnecting client may wait for its old node before it gets a fresh session. */
    static final long ANSWER_TIMEOUT_MS = 2_000;

    private final ClusterCalls calls;
    private final boolean clustered;
    private final RecoveryBook book;

    /** @param clustered false on a node that runs alone: a foreign pid is then from a process gone for good */
    public RecoveryHandover(ClusterCalls calls, boolean clustered, RecoveryBook book) {
        this.calls = calls;
        this.clustered = clustered;
        this.book = book;
        calls.answer(ClusterPacket.Type.RECOVER, this::handOver);
    }

    /**
     * Recovers a session another node keeps; completes with it (ready to attach, its whole log to replay), or with
     * null when it cannot be recovered.
     */
    public CompletionStage<RecoveryBook.Entry> recover(String pid, String offset, String participantId) {
        RecoveryBook.Entry adopted = clustered ? book.adopt(pid, participantId) : null;
        if (adopted == null) {
            return CompletableFuture.completedFuture(null);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("pid", pid).put("offset", offset).put("participantId", participantId);
        return calls.ask(ClusterPacket.Type.RECOVER, RecoveryBook.Pid.parse(pid).node(), body,
                Duration.ofMillis(ANSWER_TIMEOUT_MS)).handle((answer, failure) -> {
                    if (failure != null || !answer.path("ok").asBoolean()) {
                        book.abandon(adopted);
                        return null;
                    }
                    List<String> missed = new ArrayList<>();
                    for (JsonNode message : answer.path("messages")) {
                        missed.add(message.textValue());
                    }
                    book.completeAdoption(adopted, missed);
                    return adopted;
                });
    }

    /** The old node's side: the messages the client missed, and the session is forgotten here. */
    private CompletionStage<ObjectNode> handOver(ClusterPacket packet) {
        JsonNode body = packet.body();
        List<String> missed = book.handOver(body.path("pid").asText(), body.path("offset").textValue(),
                body.path("participantId").asText());
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        if (missed == null) {
            reply.put("ok", false);
        } else {
            ArrayNode messages = reply.put("ok", true).putArray("messages");
            missed.forEach(messages::add);
        }
        return CompletableFuture.completedFuture(reply);
    }
}
