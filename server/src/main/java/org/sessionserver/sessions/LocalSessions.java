package org.sessionserver.sessions;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The connections held by this node, by session and by participant. Thread-safe. */
public final class LocalSessions {
    private final Map<String, Connection> bySession = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byParticipant = new ConcurrentHashMap<>();

    /** Adds a connection unless its participant already holds {@code max} here; false when refused. */
    public boolean tryAdd(Connection connection, int max) {
        boolean[] added = {false};
        byParticipant.compute(connection.session().participantId(), (participant, set) -> {
            Set<Connection> connections = set != null ? set : ConcurrentHashMap.newKeySet(4);
            if (connections.size() < max) {
                connections.add(connection);
                added[0] = true;
            }
            return connections.isEmpty() ? null : connections;
        });
        if (added[0]) {
            bySession.put(connection.session().sessionId(), connection);
        }
        return added[0];
    }

    public void remove(Connection connection) {
        if (!bySession.remove(connection.session().sessionId(), connection)) {
            return;
        }
        byParticipant.computeIfPresent(connection.session().participantId(), (participant, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    public Connection get(String sessionId) {
        return bySession.get(sessionId);
    }

    /** The participant's connections here (empty when none); a live view. */
    public Collection<Connection> ofParticipant(String participantId) {
        Set<Connection> connections = byParticipant.get(participantId);
        return connections == null ? List.of() : connections;
    }

    public int connectionCount(String participantId) {
        return ofParticipant(participantId).size();
    }

    public Collection<Connection> all() {
        return bySession.values();
    }

    public int connections() {
        return bySession.size();
    }

    public int participants() {
        return byParticipant.size();
    }
}
