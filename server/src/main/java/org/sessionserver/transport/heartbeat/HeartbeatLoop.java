package org.sessionserver.transport.heartbeat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The heartbeats of the connections on one event loop, on one timer that fires once per time slot and sends every
 * ping that fell due in it. A timer task per connection woke the loop for every ping, about 75 us each on a small VM
 * (10-15 ms of CPU per second for 2,000 idle connections); a slot sends tens of pings in one wake-up, and the pongs,
 * answered together, come back in few reads. A ping leaves at most one slot late: a twentieth of the shorter of the
 * interval and the timeout, at most a second.
 *
 * <p>Every ping is due one interval after it was planned and every pong deadline one timeout after its ping, so
 * each kind falls due in the order it was planned: two queues, no sorting. A cancelled entry stays queued until its
 * time, holding nothing but its due time. Used on its loop only.
 */
final class HeartbeatLoop {
    private static final long MAX_SLOT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A planned ping or pong deadline of one heartbeat. */
    static final class Due {
        private Heartbeat owner;
        private final long at;

        private Due(Heartbeat owner, long at) {
            this.owner = owner;
            this.at = at;
        }

        void cancel() {
            owner = null;
        }
    }

    private final EventExecutor loop;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final long slotNanos;
    private final LongSupplier clock;
    private final ArrayDeque<Due> pings = new ArrayDeque<>();
    private final ArrayDeque<Due> pongDeadlines = new ArrayDeque<>();
    private ScheduledFuture<?> timer;
    private long timerAt;

    HeartbeatLoop(EventExecutor loop, long intervalNanos, long timeoutNanos, LongSupplier clock) {
        this.loop = loop;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
        this.slotNanos = Math.max(1, Math.min(MAX_SLOT_NANOS, Math.min(intervalNanos, timeoutNanos) / 20));
        this.clock = clock;
    }

    Due pingLater(Heartbeat heartbeat) {
        return plan(pings, heartbeat, intervalNanos);
    }

    Due timeOutLater(Heartbeat heartbeat) {
        return plan(pongDeadlines, heartbeat, timeoutNanos);
    }

    private Due plan(ArrayDeque<Due> queue, Heartbeat heartbeat, long delay) {
        Due due = new Due(heartbeat, clock.getAsLong() + delay);
        queue.addLast(due);
        if (queue.size() == 1) {
            wakeBy(due.at);
        }
        return due;
    }

    /** Makes the timer fire at the end of the slot that holds {@code at} (at the next multiple of a slot), or earlier. */
    private void wakeBy(long at) {
        long slotEnd = at + Math.floorMod(-at, slotNanos);
        if (timer != null) {
            if (timerAt <= slotEnd) {
                return;
            }
            timer.cancel(false);
        }
        timerAt = slotEnd;
        timer = loop.schedule(this::fire, Math.max(0, slotEnd - clock.getAsLong()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        timer = null;
        long now = clock.getAsLong();
        // Deadlines first: a ping sent now plans a deadline that must not be taken for one already due.
        for (Due due = pongDeadlines.peekFirst(); due != null && due.at <= now; due = pongDeadlines.peekFirst()) {
            pongDeadlines.pollFirst();
            if (due.owner != null) {
                due.owner.timeOut();
            }
        }
        for (Due due = pings.peekFirst(); due != null && due.at <= now; due = pings.peekFirst()) {
            pings.pollFirst();
            if (due.owner != null) {
                due.owner.pingNow();
            }
        }
        Due nextPing = pings.peekFirst();
        Due nextDeadline = pongDeadlines.peekFirst();
        if (nextPing != null) {
            wakeBy(nextPing.at);
        }
        if (nextDeadline != null) {
            wakeBy(nextDeadline.at);
        }
    }
}
