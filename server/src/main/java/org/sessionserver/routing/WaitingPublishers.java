package org.sessionserver.routing;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The publishers {@link PublishGate} holds back, and in which order they go. One waiter waits only for the event
 * loops: that is the back-pressure itself, and it waits up to the configured wait. Publishers queued behind publishers
 * for {@value #STANDING_MS} ms are a <em>standing</em> queue until it has stayed empty for as long: more is offered
 * than the loops take, and waiting longer only makes what is delivered later. Then, as in Facebook's "Fail at scale"
 * (adaptive LIFO and a controlled delay), the newest goes first and a waiter is refused once it has waited
 * {@value #STANDING_WAIT_MS} ms: what is delivered stays fresh and publishers hear at once that they must back off.
 * (A queue emptied by those refusals still stands: ended there, it stood again only {@value #STANDING_MS} ms later,
 * and the waiters admitted in between had waited that long.) A burst goes in arrival order.
 */
final class WaitingPublishers {
    static final long STANDING_MS = 100;
    static final long STANDING_WAIT_MS = 20;
    private static final long STANDING_NANOS = TimeUnit.MILLISECONDS.toNanos(STANDING_MS);
    private static final long STANDING_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(STANDING_WAIT_MS);

    record Waiter(CompletableFuture<Void> admitted, long since) {
    }

    private final long waitNanos;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>(); // guarded by this
    private boolean crowded; // guarded by this: publishers queued behind publishers, not empty for long since
    private long crowdedSince; // guarded by this
    private long emptiedAt; // guarded by this
    private volatile int size; // the queue's size, read without the lock

    /** @param waitMs how long a waiter may wait outside a standing queue */
    WaitingPublishers(long waitMs) {
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMs);
    }

    boolean isEmpty() {
        return size == 0;
    }

    synchronized Waiter add(long now) {
        Waiter waiter = new Waiter(new CompletableFuture<>(), now);
        if (queue.isEmpty() && now - emptiedAt >= STANDING_NANOS) {
            crowded = false;
        }
        queue.addLast(waiter);
        size = queue.size();
        if (size > 1 && !crowded) {
            crowded = true;
            crowdedSince = now;
        }
        return waiter;
    }

    /** The next to admit: the newest if the queue stands, else the oldest; null if none. */
    synchronized Waiter next(long now) {
        Waiter next = standing(now) ? queue.pollLast() : queue.pollFirst();
        removed(now);
        return next;
    }

    /** The oldest waiter if its wait is over ({@link #STANDING_WAIT_MS} while the queue stands), else null. */
    synchronized Waiter expired(long now) {
        Waiter first = queue.peekFirst();
        long wait = standing(now) ? Math.min(waitNanos, STANDING_WAIT_NANOS) : waitNanos;
        if (first == null || now - first.since() < wait) {
            return null;
        }
        queue.pollFirst();
        removed(now);
        return first;
    }

    /** The oldest waiter, whatever its wait (closing). */
    synchronized Waiter poll() {
        Waiter first = queue.pollFirst();
        size = queue.size();
        return first;
    }

    private void removed(long now) {
        size = queue.size();
        if (size == 0) {
            emptiedAt = now;
        }
    }

    private boolean standing(long now) {
        return crowded && now - crowdedSince >= STANDING_NANOS;
    }
}
