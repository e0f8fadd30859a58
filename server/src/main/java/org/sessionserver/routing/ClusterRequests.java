package org.sessionserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;

/**
 * Asks a client for an ack wherever it is connected: directly when the session is on this node, otherwise through
 * the node that holds it (a REQUEST packet, answered by a REPLY). Results as {@link Connection#request}: the ack
 * value, or {@link TimeoutException}, or {@link CancellationException} when the session is gone.
 */
public final class ClusterRequests {
    /** Extra time for the two hops between nodes before the asker gives up. */
    static final long CLUSTER_MARGIN_MS = 1_000;

    private final ClusterCalls calls;
    private final LocalSessions sessions;
    private final String nodeId;

    public ClusterRequests(ClusterCalls calls, LocalSessions sessions, String nodeId) {
        this.calls = calls;
        this.sessions = sessions;
        this.nodeId = nodeId;
        calls.answer(ClusterPacket.Type.REQUEST, this::answer);
    }

    public CompletionStage<JsonNode> request(SessionRecord target, String event, JsonNode data, Duration timeout) {
        if (target.nodeId().equals(nodeId)) {
            return local(target.sessionId(), event, data, timeout);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("sessionId", target.sessionId()).put("event", event).put("timeoutMs", timeout.toMillis());
        body.set("data", data);
        return calls.ask(ClusterPacket.Type.REQUEST, target.nodeId(), body, timeout.plusMillis(CLUSTER_MARGIN_MS))
                .thenApply(ClusterRequests::result);
    }

    private CompletionStage<JsonNode> local(String sessionId, String event, JsonNode data, Duration timeout) {
        Connection connection = sessions.get(sessionId);
        if (connection == null) {
            return CompletableFuture.failedFuture(new CancellationException("session " + sessionId + " is gone"));
        }
        return connection.request(event, data, timeout);
    }

    private CompletionStage<ObjectNode> answer(ClusterPacket request) {
        JsonNode body = request.body();
        return local(body.path("sessionId").asText(), body.path("event").asText(), body.get("data"),
                Duration.ofMillis(body.path("timeoutMs").asLong())).handle((value, failure) -> {
                    ObjectNode reply = JsonNodeFactory.instance.objectNode();
                    if (failure == null) {
                        reply.put("ok", true).set("data", value);
                    } else {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        reply.put("ok", false).put("error", cause instanceof TimeoutException ? "timeout" : "gone");
                    }
                    return reply;
                });
    }

    private static JsonNode result(JsonNode reply) {
        if (reply.path("ok").asBoolean()) {
            return reply.get("data");
        }
        throw new CompletionException("timeout".equals(reply.path("error").asText())
                ? new TimeoutException("the client did not answer in time")
                : new CancellationException("the session is gone"));
    }
}
