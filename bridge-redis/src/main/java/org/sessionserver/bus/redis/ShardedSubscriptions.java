package org.sessionserver.bus.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sharded channels (SSUBSCRIBE) this node wants, kept subscribed across reconnects, Sentinel and Cluster
 * failovers and slot moves: the registry here is the source of truth, and {@link #reconcile} subscribes again every
 * channel that is not confirmed on its slot's current master.
 *
 * <p>Workaround of lettuce#3213 (open in 7.7.0): Lettuce re-subscribes a node connection's channels only when that
 * same node comes back, and then in one SSUBSCRIBE that Redis refuses with CROSSSLOT once they span slots; a channel
 * whose slot moved, or whose master died, is never subscribed again, and a {@code sunsubscribe} pushed by the server
 * just drops it. Hence one channel per SSUBSCRIBE, and a reconcile on reconnect, on topology change, on a pushed
 * {@code sunsubscribe} and every second. Messages published during a gap are lost: {@link #onResubscribed} tells.
 */
final class ShardedSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(ShardedSubscriptions.class);
    static final long RECONCILE_MS = 1_000;

    /**
     * A wanted channel and the nodes ("" outside a cluster) where Redis confirmed it and has not dropped it since:
     * while a slot moves, the channel is subscribed on its former and its new master at once, and only when the last
     * of them drops it ({@code gap}) can messages be lost.
     */
    private static final class Wanted {
        final Consumer<String> handler;
        final Set<String> nodes = new HashSet<>(2); // guarded by this
        boolean gap; // guarded by this
        volatile boolean inFlight;

        Wanted(Consumer<String> handler) {
            this.handler = handler;
        }

        /**
         * Whether this confirmation ends a gap: the last node dropped the channel, or it joined a node while
         * subscribed elsewhere (what was published to that node before is lost).
         */
        synchronized boolean confirmedOn(String node) {
            boolean told = gap || !nodes.isEmpty() && !nodes.contains(node);
            nodes.add(node);
            gap = false;
            return told;
        }

        /** Whether dropping it on {@code node} ("" or null: on every node) left the channel subscribed nowhere. */
        synchronized boolean droppedOn(String node) {
            boolean wasOn = !nodes.isEmpty();
            if (node == null || node.isEmpty()) {
                nodes.clear();
            } else {
                nodes.remove(node);
            }
            boolean nowhere = wasOn && nodes.isEmpty();
            gap |= nowhere;
            return nowhere;
        }

        synchronized boolean isOn(String node) {
            return nodes.contains(node);
        }
    }

    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService timer;
    private final Consumer<Throwable> failed;
    private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();
    private final List<Consumer<String>> resubscribed = new CopyOnWriteArrayList<>();

    /** @param failed told each failed SSUBSCRIBE ({@link RedisLink#commandFailed}) */
    ShardedSubscriptions(StatefulRedisPubSubConnection<String, String> pubSub, ScheduledExecutorService timer,
                         Consumer<Throwable> failed) {
        this.pubSub = pubSub;
        this.timer = timer;
        this.failed = failed;
        timer.scheduleWithFixedDelay(this::reconcileQuietly, RECONCILE_MS, RECONCILE_MS, TimeUnit.MILLISECONDS);
    }

    CompletableFuture<Void> subscribe(String channel, Consumer<String> handler) {
        Wanted entry = new Wanted(handler);
        wanted.put(channel, entry);
        return issue(channel, entry);
    }

    CompletableFuture<Void> unsubscribe(String channel) {
        if (wanted.remove(channel) == null) {
            return CompletableFuture.completedFuture(null);
        }
        return pubSub.async().sunsubscribe(channel).toCompletableFuture().thenApply(confirmed -> null);
    }

    void onResubscribed(Consumer<String> listener) {
        resubscribed.add(listener);
    }

    void deliver(String channel, String message) {
        Wanted entry = wanted.get(channel);
        if (entry != null) {
            entry.handler.accept(message);
        }
    }

    /**
     * Redis said {@code sunsubscribe}: ours (no longer wanted), or pushed by the server after a slot left the node.
     * {@code node} is the node that said it ("" outside a cluster, null if unknown); a push from a former master
     * while the channel is already subscribed on the new one loses nothing.
     */
    void dropped(String channel, String node) {
        Wanted entry = wanted.get(channel);
        if (entry != null && entry.droppedOn(node)) {
            timer.schedule(this::reconcileQuietly, 100, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Redis confirmed a subscription to {@code channel}: {@code node} ({@code host:port}; "" outside a cluster) is
     * where it is subscribed now, whatever the topology this node knows says (an SSUBSCRIBE sent to a slot's former
     * master is redirected by Lettuce to the new one before the topology is reloaded).
     */
    void confirmedOn(String channel, String node) {
        Wanted entry = wanted.get(channel);
        if (entry != null && entry.confirmedOn(node)) {
            resubscribed.forEach(listener -> listener.accept(channel));
        }
    }

    /** A pub/sub connection to {@code node} ("" for every node) went down. */
    void lost(String node) {
        wanted.values().forEach(entry -> entry.droppedOn(node));
    }

    /** Soon, on the timer thread: after a reconnect or a topology change. */
    void reconcileSoon() {
        timer.execute(this::reconcileQuietly);
    }

    /**
     * Subscribes again each wanted channel that is not confirmed on its slot's master in the topology (it was dropped;
     * or a slot moved and its {@code sunsubscribe} went missing; or the topology is stale, and the SSUBSCRIBE,
     * redirected, is confirmed where it already was: nothing lost).
     */
    void reconcile() {
        wanted.forEach((channel, entry) -> {
            if (!entry.inFlight && !entry.isOn(RedisLink.ownerOf(pubSub, channel))) {
                issue(channel, entry);
            }
        });
    }

    /** Completes once Redis confirmed it; {@link #confirmedOn} follows, from the listener of the pub/sub connection. */
    private CompletableFuture<Void> issue(String channel, Wanted entry) {
        entry.inFlight = true;
        return pubSub.async().ssubscribe(channel).toCompletableFuture().handle((count, failure) -> {
            entry.inFlight = false;
            if (failure != null) {
                failed.accept(failure);
                log.debug("SSUBSCRIBE {} failed, retrying within {} ms: {}", channel, RECONCILE_MS, failure.toString());
                throw new IllegalStateException("SSUBSCRIBE " + channel + " failed: " + failure, failure);
            }
            return null;
        });
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.debug("reconciling the sharded subscriptions failed: {}", e.toString());
        }
    }
}
