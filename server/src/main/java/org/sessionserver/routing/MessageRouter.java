package org.sessionserver.routing;

import org.sessionserver.bus.Audience;
import org.sessionserver.bus.Message;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.OutboundMessage;

/**
 * Delivers each engine message to the sessions of this node it is addressed to: encoded once, then handed to every
 * recipient the session index names ({@link LocalSessions#forEachRecipient}), live connections through their event
 * loop's {@link Outbox} ({@link Fanout}, counted in the {@link Backlog}), recoverable sessions whose client is away
 * into their logs.
 */
public final class MessageRouter {
    private final LocalSessions sessions;
    private final ServerMetrics metrics;
    private final Outboxes outboxes;

    public MessageRouter(LocalSessions sessions, ServerMetrics metrics, Backlog backlog) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.outboxes = new Outboxes(backlog, metrics);
    }

    /** Routes a copy of the message that serves every entry. */
    public void route(Message message) {
        route(message, null);
    }

    /** Routes the copy of the message for {@code copyFor} (see {@link LocalSessions#forEachRecipient}). */
    public void route(Message message, Audience copyFor) {
        long start = System.nanoTime();
        OutboundMessage outbound = new OutboundMessage(message);
        Fanout fanout = new Fanout();
        sessions.forEachRecipient(message, copyFor, fanout::add, away -> away.deliver(outbound));
        int delivered = fanout.deliver(outbound, start, outboxes);
        metrics.messageRouted(start, delivered);
        if (message.hasTopic()) {
            metrics.topicDelivered(delivered);
        }
    }
}
