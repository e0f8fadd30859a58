package org.sessionserver.bus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Who of a topic is connected, and where a participant is: membership joined with the session directory. */
public final class Presence {
    private Presence() {
    }

    /** A member of a topic and how many connections it holds in the cluster. */
    public record Member(String participantId, int connections) {
        public boolean online() {
            return connections > 0;
        }
    }

    /** A participant's topics and its connections in the cluster. */
    public record Participant(String participantId, Set<String> topics, List<SessionRecord> connections) {
        public boolean online() {
            return !connections.isEmpty();
        }
    }

    /** The members of a topic, ordered by participant id (empty for a topic nobody joined). */
    public static CompletionStage<List<Member>> ofTopic(Topics topics, SessionReads sessions, String topic) {
        return topics.members(topic).thenCompose(members -> sessions.connectionCounts(members).thenApply(counts ->
                members.stream().sorted()
                        .map(member -> new Member(member, counts.getOrDefault(member, 0)))
                        .toList()));
    }

    public static CompletionStage<Participant> ofParticipant(Topics topics, SessionReads sessions,
                                                             String participantId) {
        return topics.topicsOf(participantId).thenCombine(sessions.ofParticipant(participantId),
                (joined, connections) -> new Participant(participantId, joined, connections));
    }
}
