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
 * loop one task that writes to all of its connections, instead of one task (and one queue hand-off) per connection.
 * Each loop runs its tasks in order, so every connection still gets the messages in the order they were routed. What
 * is handed to loops, and what connections leave unsent, is counted in the {@link Backlog}.
 */
final class Fanout {
    private final Map<EventExecutor, List<Connection>> byLoop = new IdentityHashMap<>(4);
    private int size;

    void add(Connection connection) {
        byLoop.computeIfAbsent(connection.loop(), loop -> new ArrayList<>()).add(connection);
        size++;
    }

    /** Hands the message to every connection added; returns how many. */
    int deliver(OutboundMessage message, Backlog backlog) {
        byLoop.forEach((loop, connections) -> {
            if (loop.inEventLoop()) {
                deliverAll(connections, message, backlog);
            } else {
                long bytes = (long) message.size() * connections.size();
                backlog.queued(bytes);
                loop.execute(() -> {
                    try {
                        deliverAll(connections, message, backlog);
                    } finally {
                        backlog.written(bytes);
                    }
                });
            }
        });
        return size;
    }

    private static void deliverAll(List<Connection> connections, OutboundMessage message, Backlog backlog) {
        for (Connection connection : connections) {
            connection.deliver(message);
            backlog.noteUnsent(connection);
        }
    }
}
