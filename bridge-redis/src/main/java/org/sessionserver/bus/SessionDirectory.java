package org.sessionserver.bus;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Which sessions exist in the cluster, and on which node: each node writes its own, everyone reads
 * ({@link SessionReads}). Entries of a node that stops heartbeating disappear within the node TTL.
 */
public interface SessionDirectory extends SessionReads, AutoCloseable {
    CompletionStage<Void> register(SessionRecord session);

    CompletionStage<Void> unregister(SessionRecord session);

    /**
     * Receives the sessions of other nodes found dead (their heartbeat expired), as one surviving node clears them
     * from the directory: it forgets them once the listener's stage completed, and reports them again on its next
     * sweep if it failed. Sweeps of several nodes may overlap, so a session can be reported more than once: the
     * listener must be idempotent. Set once, before traffic.
     */
    void onSessionsLost(Function<SessionRecord, CompletionStage<Void>> listener);

    @Override
    void close();
}
