package org.sessionserver.bus;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Topic membership, durable and cluster-wide: which participants belong to which topic. Only the engine changes it
 * (over HTTP, or with {@code EngineClient}).
 *
 * <p>Ordering. When the stage of {@link #change} completes, every node has been sent the change, on the same channel
 * and in the same order as the messages published after it: a message published once a join returned reaches the new
 * member, on any node. In Redis every key names a single topic or participant (hash-tagged), so nothing crosses
 * Redis Cluster slots.
 */
public interface Topics extends AutoCloseable {
    CompletionStage<TopicChange.Result> change(TopicChange change);

    CompletionStage<Set<String>> members(String topic);

    CompletionStage<Set<String>> topicsOf(String participantId);

    /**
     * Receives every change made anywhere, on a bus thread, in order with the engine's messages; it must not block.
     * Set once, before traffic.
     */
    void onChange(Consumer<TopicChange> listener);

    @Override
    void close();
}
