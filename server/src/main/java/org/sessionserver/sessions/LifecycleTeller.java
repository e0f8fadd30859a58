package org.sessionserver.sessions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.LifecycleEnvelope;
import org.sessionserver.bus.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the engines of this node's sessions opening and closing ({@code ENGINE_LIFECYCLE}) through the bus, which
 * tells each exactly once. What the bus refused (Redis down, too few replicas) is kept and told again by
 * {@link #tellAgain} once Redis is back, in order per session: a closing whose opening was never told is dropped, as
 * the engines never heard of the session.
 */
final class LifecycleTeller {
    private static final Logger log = LoggerFactory.getLogger(LifecycleTeller.class);

    /** A telling the bus refused: an opening ({@code closedFor} null) or a closing. */
    private record Untold(SessionRecord session, String closedFor) {
    }

    private final boolean enabled;
    private final EngineBus bus;
    private final Map<String, Untold> untold = new ConcurrentHashMap<>();
    /** Tellings on their way to the bus, awaited when the node stops. */
    private final Set<CompletableFuture<Void>> telling = ConcurrentHashMap.newKeySet();

    LifecycleTeller(boolean enabled, EngineBus bus) {
        this.enabled = enabled;
        this.bus = bus;
    }

    /** Tells that the session opened; completes (never fails) once the bus took it or refused it. */
    CompletableFuture<Void> opened(SessionRecord session) {
        return tell(new Untold(session, null));
    }

    /** Tells that the session closed for {@code reason}; the same. */
    CompletableFuture<Void> closed(SessionRecord session, String reason) {
        Untold opening = untold.get(session.sessionId());
        if (opening != null && opening.closedFor() == null && untold.remove(session.sessionId(), opening)) {
            return CompletableFuture.completedFuture(null); // never told opened: nothing to close
        }
        return tell(new Untold(session, reason));
    }

    /**
     * Tells that a session of a dead node closed ({@code node_lost}); fails when the bus refused it, so that the
     * directory's sweep (which asks again) keeps the session until it succeeds.
     */
    CompletionStage<Void> lost(SessionRecord session) {
        return enabled ? tracked(bus.tellClosed(session, LifecycleEnvelope.NODE_LOST))
                : CompletableFuture.completedFuture(null);
    }

    /** Tells again what the bus refused (after a Redis outage). */
    void tellAgain() {
        for (Untold refused : List.copyOf(untold.values())) {
            if (untold.remove(refused.session().sessionId(), refused)) {
                tell(refused);
            }
        }
    }

    /** Waits until every telling so far reached the bus or failed (the node is stopping); false on timeout. */
    boolean awaitTold(Duration timeout) {
        try {
            CompletableFuture.allOf(telling.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // kept in untold, logged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private CompletableFuture<Void> tell(Untold what) {
        if (!enabled) {
            return CompletableFuture.completedFuture(null);
        }
        SessionRecord session = what.session();
        CompletionStage<Void> told = what.closedFor() == null ? bus.tellOpened(session)
                : bus.tellClosed(session, what.closedFor());
        return tracked(told).exceptionally(failure -> {
            log.warn("the engines were not told that session {} {} (told again once Redis is back): {}",
                    session.sessionId(), what.closedFor() == null ? "opened" : "closed", failure.toString());
            untold.put(session.sessionId(), what);
            return null;
        });
    }

    private CompletableFuture<Void> tracked(CompletionStage<Void> stage) {
        CompletableFuture<Void> future = stage.toCompletableFuture();
        telling.add(future);
        future.whenComplete((ok, failure) -> telling.remove(future));
        return future;
    }
}
