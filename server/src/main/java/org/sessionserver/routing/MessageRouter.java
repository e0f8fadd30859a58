package org.sessionserver.routing;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.sessionserver.bridge.Address;
import org.sessionserver.bridge.Message;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;

/**
 * Delivers each engine message to the matching connections of this node, each at most once. An address matches a
 * connection of its participant when the connection is in proxy mode, or when it names no session or this one; an
 * address with a nodeId matches non-proxy connections only on that node.
 */
public final class MessageRouter {
    private final LocalSessions sessions;
    private final String nodeId;
    private final ServerMetrics metrics;

    public MessageRouter(LocalSessions sessions, String nodeId, ServerMetrics metrics) {
        this.sessions = sessions;
        this.nodeId = nodeId;
        this.metrics = metrics;
    }

    public void route(Message message) {
        long start = System.nanoTime();
        OutboundMessage outbound = new OutboundMessage(message);
        int delivered = 0;
        if (message.to().size() == 1) {
            Address address = message.to().get(0);
            for (Connection connection : sessions.ofParticipant(address.participantId())) {
                if (matches(address, connection)) {
                    connection.deliver(outbound);
                    delivered++;
                }
            }
        } else {
            Set<Connection> targets = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Address address : message.to()) {
                Collection<Connection> candidates = sessions.ofParticipant(address.participantId());
                for (Connection connection : candidates) {
                    if (matches(address, connection) && targets.add(connection)) {
                        connection.deliver(outbound);
                        delivered++;
                    }
                }
            }
        }
        metrics.messageRouted(start, delivered);
    }

    private boolean matches(Address address, Connection connection) {
        if (connection.session().proxy()) {
            return true;
        }
        boolean onThisNode = address.nodeId() == null || address.nodeId().equals(nodeId);
        return onThisNode && (address.sessionId() == null
                || address.sessionId().equals(connection.session().sessionId()));
    }
}
