package org.sessionserver.bus;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Which sessions exist in the cluster, and on which node. Entries of a node that stops heartbeating disappear within
 * the node TTL. Reads may lag writes of other nodes by a round trip; no operation blocks the caller.
 */
public interface SessionDirectory extends AutoCloseable {
    CompletionStage<Void> register(SessionRecord session);

    CompletionStage<Void> unregister(SessionRecord session);

    /** Every session on a live node. */
    CompletionStage<List<SessionRecord>> all();

    CompletionStage<List<SessionRecord>> ofParticipant(String participantId);

    @Override
    void close();
}
