package org.sessionserver.routing;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;

/**
 * The connections one message goes to, grouped by the event loop that does their I/O: a broadcast then hands each
 * loop's {@link Outbox} one batch for all of its connections, instead of one task (and one queue hand-off) per
 * connection. Each outbox writes its batches in order, so every connection still gets the messages in the order they
 * were routed. What is handed to loops, and what connections leave unsent, is counted in the {@link Backlog}.
 */
final class Fanout {
    private final Map<EventExecutor, List<Connection>> byLoop = new IdentityHashMap<>(4);
    private int size;

    void add(Connection connection) {
        byLoop.computeIfAbsent(connection.loop(), loop -> new ArrayList<>()).add(connection);
        size++;
    }

    /**
     * Hands the message, arrived on the node at {@code arrivedNanos}, to every connection added, through their loops'
     * outboxes; returns how many.
     */
    int deliver(OutboundMessage message, long arrivedNanos, Outboxes outboxes) {
        byLoop.forEach((loop, connections) -> outboxes.of(loop).take(connections, message, arrivedNanos));
        return size;
    }
}
