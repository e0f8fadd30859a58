package org.sessionserver.bridge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The engine bus of a single node, in memory: the twin of {@code RedisEngineBus} for the embedded default. Events
 * reach the engine (its {@link #engineSide()}) and messages reach the node each on their own thread, in order.
 * Nothing survives a restart; events published while no engine listens are dropped (the embedded engine listens
 * from the start).
 */
public final class InMemoryEngineBus implements EngineBus {
    private final ExecutorService toEngine = Executors.newSingleThreadExecutor(daemon("memory-bus-events"));
    private final ExecutorService toNode = Executors.newSingleThreadExecutor(daemon("memory-bus-messages"));
    private volatile Consumer<EventEnvelope> engine = envelope -> { };
    private volatile Consumer<Message> node = message -> { };
    private volatile boolean closed;

    @Override
    public CompletionStage<Void> publishEvent(EventEnvelope envelope) {
        return submit(toEngine, () -> engine.accept(envelope));
    }

    @Override
    public CompletionStage<Void> publishMessage(String messageJson) {
        Message message;
        try {
            message = Message.parse(messageJson);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(toNode, () -> node.accept(message));
    }

    @Override
    public void onMessage(Consumer<Message> receiver) {
        this.node = receiver;
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
            public CompletionStage<Void> publishMessage(String messageJson) {
                return InMemoryEngineBus.this.publishMessage(messageJson);
            }

            @Override
            public void close() {
                engine = envelope -> { };
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        toEngine.shutdown();
        toNode.shutdown();
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
