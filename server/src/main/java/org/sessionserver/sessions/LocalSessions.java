package org.sessionserver.sessions;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.sessionserver.bus.Address;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.SessionRecord;

/**
 * The sessions this node holds, and the one place that says which of them a message reaches: live connections by
 * session and by participant, the recoverable sessions whose client is away ({@link RecoveryBook}), which are
 * addressed like the others and log what they miss, and the topics their participants belong to
 * ({@link LocalTopics}). Adding a kind of address is a change to {@link #forEachRecipient} alone. Thread-safe.
 */
public final class LocalSessions {
    private final String nodeId;
    private final LocalTopics topics;
    private final Map<String, Connection> bySession = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byParticipant = new ConcurrentHashMap<>();
    private final Map<String, Set<RecoveryBook.Entry>> parkedByParticipant = new ConcurrentHashMap<>();

    /**
     * @param nodeId this node: addresses that name another node reach only proxy-mode connections here
     * @param topics the memberships of the participants held here
     */
    public LocalSessions(String nodeId, LocalTopics topics) {
        this.nodeId = nodeId;
        this.topics = topics;
    }

    /** Completes once a session of the participant can be added and reached by every kind of address. */
    public CompletableFuture<Void> readyFor(String participantId) {
        return topics.load(participantId);
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
            topics.hold(connection.session().participantId());
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
        topics.release(connection.session().participantId());
    }

    /** A recoverable session whose client is away: it keeps receiving (logging) its messages. */
    void park(RecoveryBook.Entry entry) {
        if (parkedByParticipant.computeIfAbsent(entry.identity().participantId(), id -> ConcurrentHashMap.newKeySet())
                .add(entry)) {
            topics.hold(entry.identity().participantId());
        }
    }

    /** The recoverable session has its client back, or is forgotten. */
    void unpark(RecoveryBook.Entry entry) {
        boolean[] removed = {false};
        parkedByParticipant.computeIfPresent(entry.identity().participantId(), (participant, set) -> {
            removed[0] = set.remove(entry);
            return set.isEmpty() ? null : set;
        });
        if (removed[0]) {
            topics.release(entry.identity().participantId());
        }
    }

    /**
     * Hands every session that the message reaches here to {@code live} (connections) or {@code parked} (recoverable
     * sessions whose client is away), each at most once however many entries match it, and none that an exclude
     * entry matches. A participant entry matches a session of its participant when the session is in proxy mode, or
     * when the entry names no session or this one; one with a node id matches non-proxy sessions only on that node.
     * A topic entry matches every session of every member.
     *
     * <p>In routed delivery a node receives one copy of the message per audience it listens to ({@code copyFor};
     * null: a copy for every entry). A copy serves the sessions whose first matching entry its audience covers; the
     * others are left to the copy of that first entry, which this node receives too, as it holds the session.
     */
    public void forEachRecipient(Message message, Audience copyFor, Consumer<Connection> live,
                                 Consumer<RecoveryBook.Entry> parked) {
        List<Address> to = message.to();
        // One entry cannot match a session twice: a topic's members are distinct participants.
        Set<Object> seen = to.size() == 1 ? null : Collections.newSetFromMap(new IdentityHashMap<>());
        Recipients recipients = new Recipients(message, seen, live, parked);
        for (Address address : to) {
            recipients.served = copyFor == null || copyFor.covers(address);
            if (address.isTopic()) {
                for (String member : topics.membersHere(address.topic())) {
                    recipients.offer(member, null);
                }
            } else {
                recipients.offer(address.participantId(), address);
            }
        }
    }

    /** The sessions of one message, handed out once each. */
    private final class Recipients {
        private final Message message;
        private final Set<Object> seen;
        private final Consumer<Connection> live;
        private final Consumer<RecoveryBook.Entry> parked;
        /** Whether the entry being offered is this copy's to serve; if not, its sessions are only marked seen. */
        boolean served;

        Recipients(Message message, Set<Object> seen, Consumer<Connection> live, Consumer<RecoveryBook.Entry> parked) {
            this.message = message;
            this.seen = seen;
            this.live = live;
            this.parked = parked;
        }

        /** The participant's sessions that {@code address} matches; all of them when it is null (a topic member). */
        void offer(String participantId, Address address) {
            for (Connection connection : ofParticipant(participantId)) {
                if (wanted(address, connection.session(), connection)) {
                    live.accept(connection);
                }
            }
            for (RecoveryBook.Entry entry : parkedOf(participantId)) {
                if (wanted(address, entry.identity(), entry)) {
                    parked.accept(entry);
                }
            }
        }

        private boolean wanted(Address address, SessionRecord session, Object recipient) {
            return (address == null || matches(address, session))
                    && !message.excludes(session)
                    && (seen == null || seen.add(recipient))
                    && served;
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
