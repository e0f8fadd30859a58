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

    /** A wanted channel; {@code owner} is where it was last confirmed, null while not confirmed. */
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
    private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();
    private final List<Consumer<String>> resubscribed = new CopyOnWriteArrayList<>();

    ShardedSubscriptions(StatefulRedisPubSubConnection<String, String> pubSub, ScheduledExecutorService timer) {
        this.pubSub = pubSub;
        this.timer = timer;
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

    /** Redis said {@code sunsubscribe}: ours (no longer wanted), or pushed by the server after a slot left the node. */
    void dropped(String channel) {
        Wanted entry = wanted.get(channel);
        if (entry != null && entry.owner != null) {
            entry.owner = null;
            entry.gap = true;
            timer.schedule(this::reconcileQuietly, 100, TimeUnit.MILLISECONDS);
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

    /** Subscribes again each wanted channel that is not confirmed on its slot's current master. */
    void reconcile() {
        wanted.forEach((channel, entry) -> {
            String owner = RedisLink.ownerOf(pubSub, channel);
            if (!entry.inFlight && (entry.owner == null || !Objects.equals(owner, entry.owner))) {
                if (entry.owner != null) {
                    entry.gap = true; // its slot moved: confirmed on a node that no longer serves it
                }
                issue(channel, entry);
            }
        });
    }

    private CompletableFuture<Void> issue(String channel, Wanted entry) {
        String owner = RedisLink.ownerOf(pubSub, channel);
        entry.inFlight = true;
        return pubSub.async().ssubscribe(channel).toCompletableFuture().handle((count, failure) -> {
            entry.inFlight = false;
            if (failure != null) {
                entry.owner = null;
                log.debug("SSUBSCRIBE {} failed, retrying within {} ms: {}", channel, RECONCILE_MS, failure.toString());
                throw new IllegalStateException("SSUBSCRIBE " + channel + " failed: " + failure, failure);
            }
            if (wanted.get(channel) == entry) {
                entry.owner = owner == null ? "?" : owner;
                if (entry.gap) {
                    entry.gap = false;
                    resubscribed.forEach(listener -> listener.accept(channel));
                }
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
