package org.sessionserver.routing;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sessionserver.metrics.ServerMetrics;

/** The {@link Outbox} of each event loop, made on first use (a node has a few loops, each lives as long as it). */
final class Outboxes {
    private final Map<EventExecutor, Outbox> byLoop = new ConcurrentHashMap<>();
    private final Backlog backlog;
    private final ServerMetrics metrics;

    Outboxes(Backlog backlog, ServerMetrics metrics) {
        this.backlog = backlog;
        this.metrics = metrics;
    }

    Outbox of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, key -> new Outbox(key, backlog, metrics));
    }
}
