package org.sessionserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sessionserver.bridge.ClusterBus;
import org.sessionserver.bridge.ClusterPacket;
import org.sessionserver.bridge.SessionRecord;
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

    private final ClusterBus cluster;
    private final LocalSessions sessions;
    private final String nodeId;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    public ClusterRequests(ClusterBus cluster, LocalSessions sessions, String nodeId) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.nodeId = nodeId;
        cluster.onPacket(this::onPacket);
    }

    public CompletionStage<JsonNode> request(SessionRecord target, String event, JsonNode data, Duration timeout) {
        if (target.nodeId().equals(nodeId)) {
            return local(target.sessionId(), event, data, timeout);
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, result);
        result.orTimeout(timeout.toMillis() + CLUSTER_MARGIN_MS, TimeUnit.MILLISECONDS)
                .whenComplete((value, failure) -> pending.remove(id));
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("id", id).put("sessionId", target.sessionId()).put("event", event)
                .put("timeoutMs", timeout.toMillis());
        body.set("data", data);
        cluster.publish(ClusterPacket.Type.REQUEST, target.nodeId(), body);
        return result;
    }

    private CompletionStage<JsonNode> local(String sessionId, String event, JsonNode data, Duration timeout) {
        Connection connection = sessions.get(sessionId);
        if (connection == null) {
            return CompletableFuture.failedFuture(new CancellationException("session " + sessionId + " is gone"));
        }
        return connection.request(event, data, timeout);
    }

    private void onPacket(ClusterPacket packet) {
        switch (packet.type()) {
            case REQUEST -> answer(packet);
            case REPLY -> {
                CompletableFuture<JsonNode> result = pending.remove(packet.body().path("id").asText());
                if (result != null) {
                    complete(result, packet.body());
                }
            }
            case HEARTBEAT, RECOVER, RECOVERED -> {
                // Heartbeats are only there for the sequence; recovery has its own handler.
            }
        }
    }

    private void answer(ClusterPacket request) {
        JsonNode body = request.body();
        String id = body.path("id").asText();
        local(body.path("sessionId").asText(), body.path("event").asText(), body.get("data"),
                Duration.ofMillis(body.path("timeoutMs").asLong())).whenComplete((value, failure) -> {
                    ObjectNode reply = JsonNodeFactory.instance.objectNode().put("id", id);
                    if (failure == null) {
                        reply.put("ok", true).set("data", value);
                    } else {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        reply.put("ok", false).put("error", cause instanceof TimeoutException ? "timeout" : "gone");
                    }
                    cluster.publish(ClusterPacket.Type.REPLY, request.from(), reply);
                });
    }

    private static void complete(CompletableFuture<JsonNode> result, JsonNode reply) {
        if (reply.path("ok").asBoolean()) {
            result.complete(reply.get("data"));
        } else if ("timeout".equals(reply.path("error").asText())) {
            result.completeExceptionally(new TimeoutException("the client did not answer in time"));
        } else {
            result.completeExceptionally(new CancellationException("the session is gone"));
        }
    }
}
