package org.sessionserver.bus;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reading the session directory: what a node and an engine both may ask. Only sessions on live nodes are listed.
 * Reads may lag writes of other nodes by a round trip; no operation blocks the caller.
 */
public interface SessionReads {
    /** Every session on a live node. */
    CompletionStage<List<SessionRecord>> all();

    CompletionStage<List<SessionRecord>> ofParticipant(String participantId);

    /** How many connections each of the participants holds in the cluster (0 when none). */
    CompletionStage<Map<String, Integer>> connectionCounts(Collection<String> participantIds);
}
