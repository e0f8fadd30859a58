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

    /**
     * Tells the engines that a session opened ({@code ENGINE_LIFECYCLE}): {@code session.opened}, preceded by
     * {@code participant.online} when it is the participant's only session in the cluster. Exactly once per session,
     * whichever node calls: a second call for a session already told changes nothing. The stage completes when the
     * bus holds the envelopes (as {@link #publishEvent}'s).
     */
    CompletionStage<Void> tellOpened(SessionRecord session);

    /**
     * Tells the engines that a session closed: {@code session.closed}, followed by {@code participant.offline} when it
     * was the participant's last session in the cluster. Exactly once per session told opened; nothing for one that
     * was not (or was told closed already, say by another node that found its node dead).
     */
    CompletionStage<Void> tellClosed(SessionRecord session, String reason);

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

    /**
     * Tells the bus whether this node is behind on delivering (its outbound backlog is over its bound). While paused,
     * a bus that can stops reading messages and lets its server hold them (Redis: within its
     * {@code client-output-buffer-limit pubsub}; past it Redis drops the subscriber connection, which reconnects and
     * counts as an outage). The in-memory bus delivers on the publisher's thread, whose publisher is held back
     * already: it does nothing. May be called from any thread.
     */
    void pauseMessages(boolean paused);

    BusStatus status();

    @Override
    void close();
}
