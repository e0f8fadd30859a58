package org.sessionserver.transport.heartbeat;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeats of one endpoint's connections: a ping {@code intervalMs} after the connection opened or answered the
 * last ping, and the connection given up when no pong comes within {@code timeoutMs} of a ping. Each event loop keeps
 * the heartbeats of its connections on one timer ({@link HeartbeatLoop}).
 */
public final class Heartbeats {
    private final long intervalNanos;
    private final long timeoutNanos;
    private final ConcurrentHashMap<EventExecutor, HeartbeatLoop> loops = new ConcurrentHashMap<>();

    public Heartbeats(long intervalMs, long timeoutMs) {
        if (intervalMs <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("ping interval and ping timeout must be positive");
        }
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /**
     * The heartbeat of one connection that lives on {@code loop}; it is used there only.
     *
     * @param ping     sends a ping (on the loop)
     * @param timedOut gives the connection up: no pong came in time (on the loop)
     */
    public Heartbeat of(EventExecutor loop, Runnable ping, Runnable timedOut) {
        HeartbeatLoop clock = loops.computeIfAbsent(loop,
                l -> new HeartbeatLoop(l, intervalNanos, timeoutNanos, System::nanoTime));
        return new Heartbeat(clock, ping, timedOut);
    }
}
