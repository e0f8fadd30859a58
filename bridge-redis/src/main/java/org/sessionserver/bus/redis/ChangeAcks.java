package org.sessionserver.bus.redis;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changer's side of a topic change's acknowledgements: each node that receives the change answers on this
 * changer's sharded channel once it applied it, and the change is answered when as many nodes did as Redis delivered
 * it to (PUBLISH's count; on a Redis Cluster that counts the subscribers of one server only, so at least as many as
 * the directory's live nodes), or after {@link #WAIT}. Without it, a node could still be subscribing to a topic's
 * channel when the engine publishes its first message there.
 */
final class ChangeAcks {
    static final Duration WAIT = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(ChangeAcks.class);

    private final String channel;
    private final BiFunction<String, Consumer<String>, CompletionStage<Void>> subscribeSharded;
    private final Supplier<CompletionStage<Long>> liveNodes;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> subscribed;

    /** One change's acknowledgements: how many came, and how many are wanted (unknown until PUBLISH said). */
    private static final class Waiting {
        final AtomicLong acks = new AtomicLong();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long expected = Long.MAX_VALUE;

        void check() {
            if (acks.get() >= expected) {
                done.complete(null);
            }
        }
    }

    /**
     * @param subscribeSharded SSUBSCRIBEs a handler to a channel ({@link RedisConnections#subscribeSharded})
     * @param liveNodes        how many nodes the directory knows alive
     */
    ChangeAcks(RedisKeys keys, BiFunction<String, Consumer<String>, CompletionStage<Void>> subscribeSharded,
               Supplier<CompletionStage<Long>> liveNodes) {
        this.channel = keys.changeAcks(UUID.randomUUID().toString());
        this.subscribeSharded = subscribeSharded;
        this.liveNodes = liveNodes;
    }

    String channel() {
        return channel;
    }

    /** Completes once acknowledgements can be received (the first change subscribes). */
    synchronized CompletableFuture<Void> ready() {
        if (subscribed == null || subscribed.isCompletedExceptionally()) {
            subscribed = subscribeSharded.apply(channel, this::onAck).toCompletableFuture();
        }
        return subscribed;
    }

    /** A new change id, to publish with the change before calling {@link #await}. */
    String expect() {
        String id = UUID.randomUUID().toString();
        waiting.put(id, new Waiting());
        return id;
    }

    /**
     * Completes once as many nodes acknowledged the change as PUBLISH reached ({@code receivers}) and the directory
     * knows alive, or after {@link #WAIT} (logged).
     */
    CompletableFuture<Void> await(String changeId, long receivers) {
        return liveNodes.get().toCompletableFuture().exceptionally(unknown -> 0L)
                .thenCompose(alive -> awaitCount(changeId, Math.max(receivers, alive)));
    }

    private CompletableFuture<Void> awaitCount(String changeId, long nodes) {
        Waiting change = waiting.get(changeId);
        change.expected = nodes;
        change.check();
        return change.done.completeOnTimeout(null, WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, e) -> {
            waiting.remove(changeId);
            if (change.acks.get() < nodes) {
                log.warn("topic change {}: {} of {} node(s) acknowledged within {} ms", changeId, change.acks.get(),
                        nodes, WAIT.toMillis());
            }
        });
    }

    private void onAck(String changeId) {
        Waiting change = waiting.get(changeId);
        if (change != null) {
            change.acks.incrementAndGet();
            change.check();
        }
    }
}
