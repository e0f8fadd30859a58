package org.sessionserver.sessions;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.sessionserver.bus.Address;
import org.sessionserver.bus.SessionRecord;

/**
 * The sessions this node holds, and the one place that says which of them a message reaches: live connections by
 * session and by participant, and the recoverable sessions whose client is away ({@link RecoveryBook}), which are
 * addressed like the others and log what they miss. Adding a kind of address is a change to {@link #forEachRecipient}
 * alone. Thread-safe.
 */
public final class LocalSessions {
    private final String nodeId;
    private final Map<String, Connection> bySession = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byParticipant = new ConcurrentHashMap<>();
    private final Map<String, Set<RecoveryBook.Entry>> parkedByParticipant = new ConcurrentHashMap<>();

    /** @param nodeId this node: addresses that name another node reach only proxy-mode connections here */
    public LocalSessions(String nodeId) {
        this.nodeId = nodeId;
    }

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

    /** A recoverable session whose client is away: it keeps receiving (logging) its messages. */
    void park(RecoveryBook.Entry entry) {
        parkedByParticipant.computeIfAbsent(entry.identity().participantId(), id -> ConcurrentHashMap.newKeySet())
                .add(entry);
    }

    /** The recoverable session has its client back, or is forgotten. */
    void unpark(RecoveryBook.Entry entry) {
        parkedByParticipant.computeIfPresent(entry.identity().participantId(), (participant, set) -> {
            set.remove(entry);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Hands every session that a message addressed {@code to} reaches here to {@code live} (connections) or
     * {@code parked} (recoverable sessions whose client is away), each at most once however many addresses match it.
     * An address matches a session of its participant when the session is in proxy mode, or when the address names no
     * session or this one; an address with a node id matches non-proxy sessions only on that node.
     */
    public void forEachRecipient(List<? extends Address> to, Consumer<Connection> live,
                                 Consumer<RecoveryBook.Entry> parked) {
        Set<Object> seen = to.size() == 1 ? null : Collections.newSetFromMap(new IdentityHashMap<>());
        for (Address address : to) {
            for (Connection connection : ofParticipant(address.participantId())) {
                if (matches(address, connection.session()) && (seen == null || seen.add(connection))) {
                    live.accept(connection);
                }
            }
            for (RecoveryBook.Entry entry : parkedOf(address.participantId())) {
                if (matches(address, entry.identity()) && (seen == null || seen.add(entry))) {
                    parked.accept(entry);
                }
            }
        }
    }

    private boolean matches(Address address, SessionRecord session) {
        if (session.proxy()) {
            return true;
        }
        boolean onThisNode = address.nodeId() == null || address.nodeId().equals(nodeId);
        return onThisNode && (address.sessionId() == null || address.sessionId().equals(session.sessionId()));
    }

    public Connection get(String sessionId) {
        return bySession.get(sessionId);
    }

    /** The participant's connections here (empty when none); a live view. */
    public Collection<Connection> ofParticipant(String participantId) {
        Set<Connection> connections = byParticipant.get(participantId);
        return connections == null ? List.of() : connections;
    }

    private Collection<RecoveryBook.Entry> parkedOf(String participantId) {
        Set<RecoveryBook.Entry> entries = parkedByParticipant.get(participantId);
        return entries == null ? List.of() : entries;
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
