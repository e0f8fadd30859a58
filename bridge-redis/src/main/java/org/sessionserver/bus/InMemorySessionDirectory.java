package org.sessionserver.bus;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The session directory of a single node, in memory: the twin of {@code RedisSessionDirectory}. */
public final class InMemorySessionDirectory implements SessionDirectory {
    private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> register(SessionRecord session) {
        sessions.put(session.sessionId(), session);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unregister(SessionRecord session) {
        sessions.remove(session.sessionId(), session);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<SessionRecord>> all() {
        return CompletableFuture.completedFuture(List.copyOf(sessions.values()));
    }

    @Override
    public CompletionStage<List<SessionRecord>> ofParticipant(String participantId) {
        return CompletableFuture.completedFuture(sessions.values().stream()
                .filter(session -> session.participantId().equals(participantId))
                .toList());
    }

    @Override
    public CompletionStage<Map<String, Integer>> connectionCounts(Collection<String> participantIds) {
        Map<String, Integer> counts = new HashMap<>();
        participantIds.forEach(id -> counts.put(id, 0));
        sessions.values().forEach(session -> counts.computeIfPresent(session.participantId(), (id, n) -> n + 1));
        return CompletableFuture.completedFuture(counts);
    }

    /** One node: no other node can die. */
    @Override
    public void onSessionsLost(Function<SessionRecord, CompletionStage<Void>> listener) {
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
