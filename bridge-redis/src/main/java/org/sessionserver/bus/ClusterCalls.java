package org.sessionserver.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Questions and answers between nodes over a {@link ClusterBus}: a packet to one node carries an id, and the packet
 * that answers it ({@link ClusterPacket.Type#answer}) carries the same id back. At most once, like the bus: an asker
 * that hears nothing in time gets a {@link java.util.concurrent.TimeoutException}.
 */
public final class ClusterCalls {
    private static final String ID = "id";

    private final ClusterBus bus;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    public ClusterCalls(ClusterBus bus) {
        this.bus = bus;
        for (ClusterPacket.Type type : ClusterPacket.Type.values()) {
            if (type.answer() != null) {
                bus.onPacket(type.answer(), this::onAnswer);
            }
        }
    }

    /**
     * Sends {@code body} as a {@code question} to node {@code to}; completes with the body of its answer, or fails with
     * a {@link java.util.concurrent.TimeoutException} after {@code timeout}.
     */
    public CompletableFuture<JsonNode> ask(ClusterPacket.Type question, String to, ObjectNode body, Duration timeout) {
        if (question.answer() == null) {
            throw new IllegalArgumentException(question + " is not a question");
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((value, failure) -> pending.remove(id));
        bus.publish(question, to, body.put(ID, id));
        return answer;
    }

    /**
     * Answers every {@code question} that reaches this node with what {@code answerer} makes of its packet; the
     * answer goes back to the asker only.
     */
    public void answer(ClusterPacket.Type question, Function<ClusterPacket, CompletionStage<ObjectNode>> answerer) {
        bus.onPacket(question, packet -> answerer.apply(packet).thenAccept(body ->
                bus.publish(question.answer(), packet.from(), body.put(ID, packet.body().path(ID).asText()))));
    }

    private void onAnswer(ClusterPacket packet) {
        CompletableFuture<JsonNode> answer = pending.remove(packet.body().path(ID).asText());
        if (answer != null) {
            answer.complete(packet.body());
        }
    }
}
