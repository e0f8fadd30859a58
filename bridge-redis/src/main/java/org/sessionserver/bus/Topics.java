package org.sessionserver.bus;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Topic membership, durable and cluster-wide: which participants belong to which topic. Only the engine changes it
 * (over HTTP, or with {@code EngineClient}).
 *
 * <p>Ordering. When the stage of {@link #change} completes, every node has applied the change and listens to what it
 * now needs ({@link #onChange}), or a bounded wait for that is over: a message published once a join returned reaches
 * the new member, on any node. In Redis every key names a single topic or participant (hash-tagged), so nothing
 * crosses Redis Cluster slots.
 */
public interface Topics extends AutoCloseable {
    CompletionStage<TopicChange.Result> change(TopicChange change);

    CompletionStage<Set<String>> members(String topic);

    CompletionStage<Set<String>> topicsOf(String participantId);

    /**
     * Receives every change made anywhere, on a bus thread, in the order they were made; it must not block, and its
     * stage completes once this node applied the change, listening to the audiences it now needs (the change is
     * answered after that). Set once, before traffic.
     */
    void onChange(Function<TopicChange, ? extends CompletionStage<Void>> applier);

    @Override
    void close();
}
