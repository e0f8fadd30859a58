package org.sessionserver.bus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The node's side of the engine bus: accepted events go to the engines, the engines' messages come back.
 *
 * <p>Guarantees. {@link #publishEvent}: once its stage completes, the bus holds the event and engines will read it at
 * least once; if the stage fails, the event was not taken and must be refused to the client ({@code unavailable}),
 * never acknowledged. Messages: delivered at most once to every node that listens to one of their audiences
 * ({@link Audiences}), in the order each publisher published them (on a Redis Cluster, per audience); a node that
 * was disconnected misses what was published meanwhile (and can tell from {@link BusStatus}).
 */
public interface EngineBus extends Audiences, AutoCloseable {
    /** Hands an accepted event to the engines. */
    CompletionStage<Void> publishEvent(EventEnvelope envelope);

    /** Publishes a message as if an engine had; a malformed one fails the stage and reaches no node. */
    default CompletionStage<Void> publishMessage(String messageJson) {
        Message message;
        try {
            message = Message.parse(messageJson);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publishMessage(message);
    }

    /** Publishes a message already parsed, hence checked (HTTP {@code POST /messages}): no second parse here. */
    CompletionStage<Void> publishMessage(Message message);

    /**
     * Where this node receives messages, each with the audience its copy is for ({@link Message#audiences()}), or
     * null for a copy that serves every entry (in memory; and the messages engines PUBLISH on the shared channel).
     * Called on a bus thread (in memory: the publisher's own, an I/O thread for {@code POST /messages}), so it must
     * not block. Set once, before traffic.
     */
    void onMessage(BiConsumer<Message, Audience> receiver);

    BusStatus status();

    @Override
    void close();
}
