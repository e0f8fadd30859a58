package org.sessionserver.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sessionserver.sessions.Connection;

/**
 * This node's outbound backlog, in bytes: what the fan-out has handed to event loops and they have not written yet,
 * plus what connections hold written and not yet taken by their clients. {@link PublishGate} holds publishers back
 * while it is over its bound.
 *
 * <p>How it is measured, cheaply. Queued: an {@link Outbox} adds a batch's bytes (the message's size times its
 * connections) when it is handed a batch and removes them as its turns write them: one atomic add per loop and
 * message, one per turn. Unsent: after each delivery the fan-out reads the connection's unsent bytes (Netty's pending
 * write bytes, two volatile reads; a polling session's buffer); a connection that holds some is kept in
 * {@link #congested} with the figure last counted, and {@link #resample} reads those again, since Netty tells nobody
 * when a slow client finally reads. The total is exact for the loops' queues and, for unsent bytes, as fresh as the
 * last delivery or resample (one tick of {@link PublishGate}). Fast clients cost one read per delivery and never enter
 * the map. Data in the kernel's socket buffers is not counted: it is bounded by the kernel. Growth past the limit is
 * told at once ({@link #whenOver}), on the thread that saw it, so that a burst stops being read without waiting for
 * the next resample.
 */
public final class Backlog {
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();
    /** Connections that held unsent bytes when last read, with the figure counted in {@link #unsent}. */
    private final Map<Connection, Long> congested = new ConcurrentHashMap<>();
    private volatile long limitBytes = Long.MAX_VALUE;
    private volatile Runnable overLimit = () -> { };
    private volatile Runnable congestedAction = () -> { };

    /** Runs {@code action} each time the backlog grows while at or over {@code limit} bytes; set once. */
    void whenOver(long limit, Runnable action) {
        this.overLimit = action;
        this.limitBytes = limit;
    }

    /** Bytes handed to an event loop for writing. */
    void queued(long bytes) {
        queued.addAndGet(bytes);
        checkOver();
    }

    /** Bytes {@link #queued} earlier that their loop has now written. */
    void written(long bytes) {
        queued.addAndGet(-bytes);
        written.addAndGet(bytes);
    }

    /** Reads what {@code connection} holds unsent now (after a delivery to it). */
    void noteUnsent(Connection connection) {
        if (connection.unsentBytes() > 0 || (!congested.isEmpty() && congested.containsKey(connection))) {
            count(connection);
        }
    }

    /** Reads again every connection that held unsent bytes: slow clients that read since, or closed. */
    void resample() {
        congested.keySet().forEach(this::count);
    }

    /** The backlog now, in bytes. */
    public long bytes() {
        return queued.get() + unsent.get();
    }

    /** Bytes handed to event loops that they have not written yet (the part of the backlog that is their work). */
    long queuedBytes() {
        return queued.get();
    }

    /** Bytes the event loops have written since the start: how fast they go, read between two ticks. */
    long writtenBytes() {
        return written.get();
    }

    /** Connections that hold unsent bytes, as last read. */
    public int congestedConnections() {
        return congested.size();
    }

    /**
     * Runs {@code action} each time a connection is found holding more unsent bytes than counted (on the thread that
     * saw it): only a resample sees it read them, or close.
     */
    void whenCongested(Runnable action) {
        this.congestedAction = action;
    }

    /** Moves the figure counted for {@code connection} to what it holds now, read and counted atomically. */
    private void count(Connection connection) {
        long[] grown = new long[1];
        congested.compute(connection, (key, before) -> {
            long now = connection.unsentBytes();
            long was = before == null ? 0 : before;
            grown[0] = now - was;
            unsent.addAndGet(now - was);
            return now > 0 ? now : null;
        });
        if (grown[0] > 0) {
            congestedAction.run();
            checkOver();
        }
    }

    private void checkOver() {
        if (bytes() >= limitBytes) {
            overLimit.run();
        }
    }
}
