package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bridge.ClusterBus;
import org.sessionserver.bridge.ClusterPacket;
import org.sessionserver.transport.RandomIds;

/**
 * Connection state recovery across nodes: a client that reconnects here with the pid of a session another node
 * keeps gets that session's missed messages through Redis (a RECOVER packet to the old node, answered by RECOVERED
 * with its log). If the old node does not answer in time (it died, Redis is down) the client gets a fresh session.
 */
public final class RecoveryHandover {
    /** How long a reconnecting client may wait for its old node before it gets a fresh session. */
    static final long ANSWER_TIMEOUT_MS = 2_000;

    private final ClusterBus cluster;
    private final boolean clustered;
    private final RecoveryBook book;
    private final Map<String, CompletableFuture<List<String>>> pending = new ConcurrentHashMap<>();

    /** @param clustered false on a node that runs alone: a foreign pid is then from a process gone for good */
    public RecoveryHandover(ClusterBus cluster, boolean clustered, RecoveryBook book) {
        this.cluster = cluster;
        this.clustered = clustered;
        this.book = book;
        cluster.onPacket(this::onPacket);
    }

    /**
     * Recovers a session another node keeps; completes with it (ready to attach, its whole log to replay), or with
     * null when it cannot be recovered.
     */
    CompletionStage<RecoveryBook.Entry> recover(String pid, String offset, String participantId) {
        RecoveryBook.Entry adopted = clustered ? book.adopt(pid, participantId) : null;
        if (adopted == null) {
            return CompletableFuture.completedFuture(null);
        }
        String id = RandomIds.next();
        CompletableFuture<List<String>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("id", id).put("pid", pid).put("offset", offset).put("participantId", participantId);
        cluster.publish(ClusterPacket.Type.RECOVER, RecoveryBook.Pid.parse(pid).node(), body);
        return answer.orTimeout(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS).handle((missed, failure) -> {
            pending.remove(id);
            if (failure != null || missed == null) {
                book.abandon(adopted);
                return null;
            }
            book.completeAdoption(adopted, missed);
            return adopted;
        });
    }

    private void onPacket(ClusterPacket packet) {
        JsonNode body = packet.body();
        if (packet.type() == ClusterPacket.Type.RECOVER) {
            List<String> missed = book.handOver(body.path("pid").asText(), body.path("offset").textValue(),
                    body.path("participantId").asText());
            ObjectNode reply = JsonNodeFactory.instance.objectNode().put("id", body.path("id").asText());
            if (missed == null) {
                reply.put("ok", false);
            } else {
                ArrayNode messages = reply.put("ok", true).putArray("messages");
                missed.forEach(messages::add);
            }
            cluster.publish(ClusterPacket.Type.RECOVERED, packet.from(), reply);
        } else if (packet.type() == ClusterPacket.Type.RECOVERED) {
            CompletableFuture<List<String>> answer = pending.get(body.path("id").asText());
            if (answer != null) {
                List<String> missed = null;
                if (body.path("ok").asBoolean()) {
                    missed = new ArrayList<>();
                    for (JsonNode message : body.path("messages")) {
                        missed.add(message.textValue());
                    }
                }
                answer.complete(missed);
            }
        }
    }
}
