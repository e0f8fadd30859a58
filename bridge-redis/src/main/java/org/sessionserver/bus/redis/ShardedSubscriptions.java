package org.sessionserver.bus.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
     * A wanted channel; {@code owner} is the node that last confirmed it ("" outside a cluster), null until then and
     * after its subscription was lost ({@code gap}).
     */
    private static final class Wanted {
        final Consumer<String> handler;
        volatile String owner;
        volatile boolean gap;
        volatile boolean inFlight;

        Wanted(Consumer<String> handler) {
            this.handler = handler;
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
     * {@code node} is the node that said it ("" outside a cluster, null if unknown): a push from a node the channel
     * has already left (it was subscribed again on the slot's new master before its former master gave the slot up)
     * loses nothing.
     */
    void dropped(String channel, String node) {
        Wanted entry = wanted.get(channel);
        if (entry == null) {
            return;
        }
        synchronized (entry) { // against a confirmation from another node, on another of Lettuce's threads
            if (entry.owner == null || node != null && !node.isEmpty() && !node.equals(entry.owner)) {
                return;
            }
            entry.owner = null;
            entry.gap = true;
        }
        timer.schedule(this::reconcileQuietly, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Redis confirmed a subscription to {@code channel}: {@code node} ({@code host:port}; "" outside a cluster) is
     * where it is subscribed now, whatever the topology this node knows says (an SSUBSCRIBE sent to a slot's former
     * master is redirected by Lettuce to the new one before the topology is reloaded). A gap is told when the
     * subscription was lost meanwhile, or when it now lives on another node than before.
     */
    void confirmedOn(String channel, String node) {
        Wanted entry = wanted.get(channel);
        if (entry == null) {
            return;
        }
        boolean told;
        synchronized (entry) {
            String before = entry.owner;
            entry.owner = node;
            told = entry.gap || before != null && !before.equals(node);
            entry.gap = false;
        }
        if (told) {
            resubscribed.forEach(listener -> listener.accept(channel));
        }
    }

    /** A pub/sub connection to {@code owner} ("" for every channel outside a cluster) went down. */
    void lost(String owner) {
        wanted.values().forEach(entry -> {
            if (entry.owner != null && (owner.isEmpty() || owner.equals(entry.owner))) {
                entry.owner = null;
                entry.gap = true;
            }
        });
    }

    /** Soon, on the timer thread: after a reconnect or a topology change. */
    void reconcileSoon() {
        timer.execute(this::reconcileQuietly);
    }

    /**
     * Subscribes again each wanted channel that is not confirmed, or confirmed on another node than its slot's master
     * in the topology (a slot moved and its {@code sunsubscribe} went missing; or the topology is stale, and the
     * SSUBSCRIBE, redirected, is confirmed where it already was: nothing lost).
     */
    void reconcile() {
        wanted.forEach((channel, entry) -> {
            if (!entry.inFlight && (entry.owner == null
                    || !Objects.equals(RedisLink.ownerOf(pubSub, channel), entry.owner))) {
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
