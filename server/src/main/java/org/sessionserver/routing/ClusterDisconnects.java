package org.sessionserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;

/**
 * Closes sessions for good wherever they are connected: here directly, on another node through it (a DISCONNECT
 * packet with the session ids, answered by DISCONNECTED with how many it closed). A node that does not answer in
 * time counts for none.
 */
public final class ClusterDisconnects {
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

    private final ClusterCalls calls;
    private final LocalSessions sessions;
    private final String nodeId;

    public ClusterDisconnects(ClusterCalls calls, LocalSessions sessions, String nodeId) {
        this.calls = calls;
        this.sessions = sessions;
        this.nodeId = nodeId;
        calls.answer(ClusterPacket.Type.DISCONNECT, this::answer);
    }

    /** Completes with how many of the sessions were connected and are now closed. */
    public CompletionStage<Integer> disconnect(Collection<SessionRecord> targets) {
        Map<String, List<String>> byNode = targets.stream().collect(Collectors.groupingBy(SessionRecord::nodeId,
                Collectors.mapping(SessionRecord::sessionId, Collectors.toList())));
        List<CompletableFuture<Integer>> closed = new ArrayList<>();
        byNode.forEach((node, sessionIds) -> closed.add(node.equals(nodeId)
                ? CompletableFuture.completedFuture(closeHere(sessionIds))
                : ask(node, sessionIds)));
        return CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new))
                .thenApply(all -> closed.stream().mapToInt(CompletableFuture::join).sum());
    }

    private CompletableFuture<Integer> ask(String node, List<String> sessionIds) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        sessionIds.forEach(body.putArray("sessionIds")::add);
        return calls.ask(ClusterPacket.Type.DISCONNECT, node, body, ANSWER_WITHIN)
                .thenApply(answer -> answer.path("closed").asInt())
                .exceptionally(timeout -> 0);
    }

    private int closeHere(Collection<String> sessionIds) {
        int closed = 0;
        for (String sessionId : sessionIds) {
            Connection connection = sessions.get(sessionId);
            if (connection != null && connection.disconnect()) {
                closed++;
            }
        }
        return closed;
    }

    private CompletionStage<ObjectNode> answer(ClusterPacket question) {
        List<String> sessionIds = new ArrayList<>();
        JsonNode ids = question.body().path("sessionIds");
        if (ids instanceof ArrayNode array) {
            array.forEach(id -> sessionIds.add(id.asText()));
        }
        return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()
                .put("closed", closeHere(sessionIds)));
    }
}
