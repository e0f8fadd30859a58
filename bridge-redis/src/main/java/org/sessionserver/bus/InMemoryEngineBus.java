package org.sessionserver.bus;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The engine bus of a single node, in memory: the twin of {@code RedisEngineBus} for the embedded default. Events
 * reach the engine (its {@link #engineSide()}) on a thread of their own, in order, so that a slow engine never holds
 * up an I/O thread. Messages reach the node on the publisher's thread, before {@code publishMessage} returns: routing
 * never blocks, and a hand-off to another thread would cost more than the routing itself (a targeted message is
 * delivered in microseconds). Nothing survives a restart; events published while no engine listens are dropped at
 * once (the embedded engine listens from the start).
 */
public final class InMemoryEngineBus implements EngineBus {
    private final ExecutorService toEngine = Executors.newSingleThreadExecutor(daemon("memory-bus-events"));
    /** Null while no engine listens ({@code ENGINE=discard}): an event is then dropped at once, no thread woken. */
    private volatile Consumer<EventEnvelope> engine;
    private volatile Consumer<LifecycleEnvelope> lifecycle = envelope -> { };
    /** The sessions told opened, by participant; used on the engine thread only, which orders every telling. */
    private final Map<String, Set<String>> told = new HashMap<>();
    private volatile BiConsumer<Message, Audience> node = (message, copyFor) -> { };
    private volatile boolean closed;

    @Override
    public CompletionStage<Void> publishEvent(EventEnvelope envelope) {
        Consumer<EventEnvelope> listener = engine;
        if (listener == null) {
            // Handing each event to the engine thread only to drop it there cost a wake-up of that thread per event:
            // a third of the CPU of an acknowledged event with ENGINE=discard (perf, 1,000 events/s).
            return closed ? CompletableFuture.failedFuture(new IllegalStateException("bus closed"))
                    : CompletableFuture.completedFuture(null);
        }
        return submit(toEngine, () -> listener.accept(envelope));
    }

    @Override
    public CompletionStage<Void> tellOpened(SessionRecord session) {
        String at = Instant.now().toString();
        return submit(toEngine, () -> {
            Set<String> sessions = told.computeIfAbsent(session.participantId(), participant -> new HashSet<>());
            if (!sessions.add(session.sessionId())) {
                return;
            }
            if (sessions.size() == 1) {
                lifecycle.accept(LifecycleEnvelope.of(LifecycleEnvelope.Kind.PARTICIPANT_ONLINE, session, null, at));
            }
            lifecycle.accept(LifecycleEnvelope.of(LifecycleEnvelope.Kind.SESSION_OPENED, session, null, at));
        });
    }

    @Override
    public CompletionStage<Void> tellClosed(SessionRecord session, String reason) {
        String at = Instant.now().toString();
        return submit(toEngine, () -> {
            Set<String> sessions = told.get(session.participantId());
            if (sessions == null || !sessions.remove(session.sessionId())) {
                return;
            }
            lifecycle.accept(LifecycleEnvelope.of(LifecycleEnvelope.Kind.SESSION_CLOSED, session, reason, at));
            if (sessions.isEmpty()) {
                told.remove(session.participantId());
                lifecycle.accept(LifecycleEnvelope.of(LifecycleEnvelope.Kind.PARTICIPANT_OFFLINE, session, reason,
                        at));
            }
        });
    }

    @Override
    public CompletionStage<Void> publishMessage(Message message) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus closed"));
        }
        try {
            node.accept(message, null);
        } catch (RuntimeException e) {
            // The receiver's failure is not the publisher's: the message was taken, as a bus would have.
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onMessage(BiConsumer<Message, Audience> receiver) {
        this.node = receiver;
    }

    /** One node: every message reaches it whole. */
    @Override
    public CompletionStage<Void> listen(Audience audience) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlisten(Audience audience) {
    }

    /** Messages reach the node on their publisher's thread: holding the publisher back holds them. */
    @Override
    public void pauseMessages(boolean paused) {
    }

    @Override
    public BusStatus status() {
        return new BusStatus("memory", !closed);
    }

    /** The engine's end of this bus. */
    public EngineSide engineSide() {
        return new EngineSide() {
            @Override
            public void onEvent(Consumer<EventEnvelope> handler) {
                engine = handler;
            }

            @Override
            public void onLifecycle(Consumer<LifecycleEnvelope> handler) {
                lifecycle = handler;
            }

            @Override
            public CompletionStage<Void> publishMessage(String messageJson) {
                return InMemoryEngineBus.this.publishMessage(messageJson);
            }

            @Override
            public void close() {
                engine = null;
                lifecycle = envelope -> { };
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        toEngine.shutdown();
    }

    /** The stage completes once the task is queued: the bus then holds the item. */
    private CompletionStage<Void> submit(ExecutorService executor, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
                }
            });
            return CompletableFuture.completedFuture(null);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus closed"));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
