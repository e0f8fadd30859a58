package org.sessionserver.bus;

import java.util.concurrent.CompletionStage;

/**
 * Which sessions exist in the cluster, and on which node: each node writes its own, everyone reads
 * ({@link SessionReads}). Entries of a node that stops heartbeating disappear within the node TTL.
 */
public interface SessionDirectory extends SessionReads, AutoCloseable {
    CompletionStage<Void> register(SessionRecord session);

    CompletionStage<Void> unregister(SessionRecord session);

    @Override
    void close();
}
