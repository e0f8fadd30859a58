package org.sessionserver.routing;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.sessionserver.bridge.Address;
import org.sessionserver.bridge.Message;
import org.sessionserver.bridge.SessionRecord;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.RecoveryBook;

/**
 * Delivers each engine message to the matching connections of this node, each at most once. An address matches a
 * connection of its participant when the connection is in proxy mode, or when it names no session or this one; an
 * address with a nodeId matches non-proxy connections only on that node. Sessions waiting for their client to
 * recover ({@link RecoveryBook}) match the same way and log what they miss.
 */
public final class MessageRouter {
    private final LocalSessions sessions;
    private final RecoveryBook recovery;
    private final String nodeId;
    private final ServerMetrics metrics;

    public MessageRouter(LocalSessions sessions, RecoveryBook recovery, String nodeId, ServerMetrics metrics) {
        this.sessions = sessions;
        this.recovery = recovery;
        this.nodeId = nodeId;
        this.metrics = metrics;
    }

    public void route(Message message) {
        long start = System.nanoTime();
        OutboundMessage outbound = new OutboundMessage(message);
        Fanout fanout = new Fanout();
        if (message.to().size() == 1) {
            Address address = message.to().get(0);
            for (Connection connection : sessions.ofParticipant(address.participantId())) {
                if (matches(address, connection.session())) {
                    fanout.add(connection);
                }
            }
            for (RecoveryBook.Entry away : recovery.detachedOf(address.participantId())) {
                if (matches(address, away.identity())) {
                    away.deliver(outbound);
                }
            }
        } else {
            Set<Object> targets = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Address address : message.to()) {
                for (Connection connection : sessions.ofParticipant(address.participantId())) {
                    if (matches(address, connection.session()) && targets.add(connection)) {
                        fanout.add(connection);
                    }
                }
                for (RecoveryBook.Entry away : recovery.detachedOf(address.participantId())) {
                    if (matches(address, away.identity()) && targets.add(away)) {
                        away.deliver(outbound);
                    }
                }
            }
        }
        metrics.messageRouted(start, fanout.deliver(outbound));
    }

    private boolean matches(Address address, SessionRecord session) {
        if (session.proxy()) {
            return true;
        }
        boolean onThisNode = address.nodeId() == null || address.nodeId().equals(nodeId);
        return onThisNode && (address.sessionId() == null || address.sessionId().equals(session.sessionId()));
    }
}
