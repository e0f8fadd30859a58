package org.sessionserver.routing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure on publishers: while this node's {@link Backlog} is over its bound, or its event loops hold more
 * unwritten fan-out than their {@link LoopPace} (a few ticks of their writing), a publisher ({@code POST /messages})
 * waits until they are under both again, or is refused after the wait ({@link WaitingPublishers}: in arrival order,
 * or, once publishers queue behind publishers, the newest first and with a short wait). The node is <em>behind</em>
 * from the moment the backlog reaches the bound until it is back under half of it (so that the state does not flap
 * with every message); listeners hear each change (the Redis subscriber stops reading while behind). Falling behind
 * is seen at once, where the backlog grows; catching up on a timer thread, which re-reads the backlog every
 * {@value #TICK_MS} ms, releases waiters and refuses those whose wait is over. The timer runs only while the node is
 * behind, someone waits or a client holds unsent bytes: a timer that woke every 10 ms for nothing cost an idle node
 * 9 ms of CPU a second, three quarters of its background. Nothing blocks: {@link #admit} returns a stage.
 */
public final class PublishGate implements AutoCloseable {
    static final long TICK_MS = 10;
    /** What a refused publisher is told to wait before trying again. */
    public static final long RETRY_AFTER_SECONDS = 1;
    private static final Logger log = LoggerFactory.getLogger(PublishGate.class);
    private static final CompletableFuture<Void> ADMITTED = CompletableFuture.completedFuture(null);

    private final Backlog backlog;
    private final long limitBytes;
    private final boolean refuseAtOnce;
    private final ServerMetrics metrics;
    private final WaitingPublishers waiting;
    private final LoopPace pace = new LoopPace();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean ticking = new AtomicBoolean();
    private volatile boolean behind;

    /** A gate that {@link #tick}s by itself on a thread of its own. */
    public static PublishGate start(Backlog backlog, long limitBytes, long waitMs, ServerMetrics metrics) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "publish-gate");
            thread.setDaemon(true);
            return thread;
        });
        return new PublishGate(backlog, limitBytes, waitMs, metrics, timer);
    }

    /** A gate that ticks on {@code timer} while it has work, or only when told if it is null (tests). */
    PublishGate(Backlog backlog, long limitBytes, long waitMs, ServerMetrics metrics,
                ScheduledExecutorService timer) {
        this.backlog = backlog;
        this.limitBytes = limitBytes;
        this.refuseAtOnce = waitMs == 0;
        this.waiting = new WaitingPublishers(waitMs);
        this.metrics = metrics;
        this.timer = timer;
        metrics.backlogGauges(() -> {
            backlog.resample(); // between ticks, unsent bytes are as old as the connection's last delivery
            return backlog.bytes();
        }, () -> behind);
        backlog.whenOver(limitBytes, this::fallBehind);
        backlog.whenCongested(this::tickWhileNeeded);
    }

    /**
     * Completes once the publisher may publish: at once while the backlog is under its bound, the loops are within
     * their pace and nobody waits; else when they are, on the gate's thread. Fails with an {@code unavailable}
     * {@link Refusal} when the wait is over first.
     */
    public CompletableFuture<Void> admit() {
        if (waiting.isEmpty() && mayPublish()) {
            return ADMITTED;
        }
        metrics.publisherHeld();
        if (refuseAtOnce) {
            return refusal();
        }
        CompletableFuture<Void> admitted = waiting.add(System.nanoTime()).admitted();
        tickWhileNeeded();
        return admitted;
    }

    /**
     * Called with true when the node falls behind (on the thread whose work made the backlog grow: an event loop, a
     * bus thread), false when it has caught up (on the gate's thread). Must not block.
     */
    public void onBehind(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    public boolean behind() {
        return behind;
    }

    /** True while the timer runs (tests). */
    boolean ticking() {
        return ticking.get();
    }

    /** Behind, someone waits, or a connection holds unsent bytes (only a tick sees it read them or close). */
    private boolean hasWork() {
        return behind || !waiting.isEmpty() || backlog.congestedConnections() > 0;
    }

    /** Starts the timer unless it runs; it stops by itself once {@link #hasWork} is false. */
    private void tickWhileNeeded() {
        if (timer != null && ticking.compareAndSet(false, true)) {
            scheduleTick();
        }
    }

    private void scheduleTick() {
        try {
            timer.schedule(this::timedTick, TICK_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            ticking.set(false);
        }
    }

    private void timedTick() {
        tick();
        if (hasWork()) {
            scheduleTick();
            return;
        }
        ticking.set(false);
        if (hasWork()) { // a publisher or a fall behind came between the check and the stop
            tickWhileNeeded();
        }
    }

    /** Re-reads the backlog, tells a change of state, admits waiters while it is under the bound and the pace. */
    void tick() {
        try {
            long now = System.nanoTime();
            backlog.resample();
            pace.sample(backlog.writtenBytes(), backlog.queuedBytes(), now);
            long bytes = backlog.bytes();
            if (bytes >= limitBytes) {
                changeState(true, bytes);
            } else if (bytes <= limitBytes / 2) {
                changeState(false, bytes);
            }
            // Admitting one may add its fan-out to the backlog at once (the embedded bus routes on this thread).
            while (!waiting.isEmpty() && mayPublish()) {
                WaitingPublishers.Waiter next = waiting.next(now);
                if (next != null) {
                    next.admitted().complete(null);
                }
            }
            for (WaitingPublishers.Waiter first = waiting.expired(now); first != null; first = waiting.expired(now)) {
                first.admitted().completeExceptionally(refused());
            }
        } catch (RuntimeException e) {
            log.warn("publish gate: {}", e.toString(), e); // a scheduled task that throws is never run again
        }
    }

    private boolean mayPublish() {
        return !behind && backlog.bytes() < limitBytes && backlog.queuedBytes() < pace.aheadBytes();
    }

    /** The backlog grew past the bound, on whatever thread grew it. */
    private void fallBehind() {
        if (!behind) {
            changeState(true, backlog.bytes());
        }
    }

    /** Serialized, so that listeners hear the changes in the order they were decided. */
    private synchronized void changeState(boolean nowBehind, long bytes) {
        if (behind == nowBehind) {
            return;
        }
        behind = nowBehind;
        if (nowBehind) {
            tickWhileNeeded();
        }
        log.debug("outbound backlog {} bytes: {}", bytes, nowBehind ? "publishers wait" : "caught up");
        listeners.forEach(listener -> listener.accept(nowBehind));
    }

    private CompletableFuture<Void> refusal() {
        return CompletableFuture.failedFuture(refused());
    }

    private Refusal refused() {
        metrics.publisherRefused();
        return new Refusal(ErrorCode.UNAVAILABLE, "this node's outbound backlog stayed over its bound; retry in "
                + RETRY_AFTER_SECONDS + " s");
    }

    /** Refuses whoever still waits. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        for (WaitingPublishers.Waiter waiter = waiting.poll(); waiter != null; waiter = waiting.poll()) {
            waiter.admitted().completeExceptionally(refused());
        }
    }
}
