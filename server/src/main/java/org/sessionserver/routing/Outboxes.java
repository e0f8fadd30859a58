package org.sessionserver.routing;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link Outbox} of each event loop, made on first use (a node has a few loops, each lives as long as it). */
final class Outboxes {
    private final Map<EventExecutor, Outbox> byLoop = new ConcurrentHashMap<>();
    private final Backlog backlog;

    Outboxes(Backlog backlog) {
        this.backlog = backlog;
    }

    Outbox of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, key -> new Outbox(key, backlog));
    }
}
