package org.sessionserver.bus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Topic membership of a single node, in memory: the twin of {@code RedisTopics}. A change reaches the listener on
 * the caller's thread before its stage completes, as a message published afterwards would.
 */
public final class InMemoryTopics implements Topics {
    private final Map<String, Set<String>> members = new HashMap<>();
    private final Map<String, Set<String>> topicsOf = new HashMap<>();
    private volatile Function<TopicChange, ? extends CompletionStage<Void>> applier =
            change -> CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<TopicChange.Result> change(TopicChange change) {
        long added = 0;
        long removed = 0;
        CompletionStage<Void> applied;
        synchronized (this) {
            for (String participant : change.add()) {
                if (members.computeIfAbsent(change.topic(), topic -> new HashSet<>()).add(participant)) {
                    added++;
                }
                topicsOf.computeIfAbsent(participant, id -> new HashSet<>()).add(change.topic());
            }
            for (String participant : change.remove()) {
                if (removeFrom(members, change.topic(), participant)) {
                    removed++;
                }
                removeFrom(topicsOf, participant, change.topic());
            }
            applied = applier.apply(change); // under the lock: the node sees changes in the order they were made
        }
        TopicChange.Result result = new TopicChange.Result(added, removed);
        return applied.thenApply(done -> result);
    }

    @Override
    public synchronized CompletionStage<Set<String>> members(String topic) {
        return CompletableFuture.completedFuture(Set.copyOf(members.getOrDefault(topic, Set.of())));
    }

    @Override
    public synchronized CompletionStage<Set<String>> topicsOf(String participantId) {
        return CompletableFuture.completedFuture(Set.copyOf(topicsOf.getOrDefault(participantId, Set.of())));
    }

    @Override
    public void onChange(Function<TopicChange, ? extends CompletionStage<Void>> applier) {
        this.applier = applier;
    }

    @Override
    public synchronized void close() {
        members.clear();
        topicsOf.clear();
    }

    private static boolean removeFrom(Map<String, Set<String>> sets, String key, String value) {
        Set<String> set = sets.get(key);
        if (set == null || !set.remove(value)) {
            return false;
        }
        if (set.isEmpty()) {
            sets.remove(key);
        }
        return true;
    }
}
