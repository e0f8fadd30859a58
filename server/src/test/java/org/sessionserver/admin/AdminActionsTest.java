package org.sessionserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.InMemoryClusterBus;
import org.sessionserver.bus.InMemorySessionDirectory;
import org.sessionserver.bus.InMemoryTopics;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;
import org.sessionserver.sessions.RecordedAudiences;

/** The UI's filters (a socket id, a room, nothing) and its join and leave, mapped onto sessions and topics. */
class AdminActionsTest {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory();
    private final InMemoryTopics topics = new InMemoryTopics();
    private final LocalTopics localTopics = new LocalTopics(topics, new RecordedAudiences());
    private final AdminActions actions = new AdminActions(directory,
            new ClusterDisconnects(new ClusterCalls(new InMemoryClusterBus()), new LocalSessions("n1", localTopics),
                    "n1"), topics);
    private final SessionRecord alice1 = session("alice", "a1", "n1");
    private final SessionRecord alice2 = session("alice", "a2", "n2");
    private final SessionRecord bob = session("bob", "b1", "n2");

    AdminActionsTest() {
        List.of(alice1, alice2, bob).forEach(directory::register);
    }

    @AfterEach
    void close() {
        localTopics.close();
    }

    private static SessionRecord session(String participant, String sessionId, String node) {
        return new SessionRecord(participant, sessionId, "ch-" + sessionId, node, false, "websocket",
                "2026-12-03T17:00:00Z");
    }

    private List<SessionRecord> targets(String filter) {
        return actions.targets(filter).toCompletableFuture().join();
    }

    private Set<String> members(String topic) {
        return topics.members(topic).toCompletableFuture().join();
    }

    @Test
    void aFilterNamesOneSocketTheSessionsOfARoomsMembersOrEverySession() {
        topics.change(TopicChange.join("lobby", "alice"));
        assertEquals(List.of(bob), targets("b1"));
        assertEquals(Set.of(alice1, alice2), Set.copyOf(targets("lobby")));
        assertEquals(Set.of(alice1, alice2, bob), Set.copyOf(targets(null)));
        assertEquals(List.of(), targets("no-such-room"));
        assertEquals(List.of(), targets("not a name"));
    }

    @Test
    void joiningARoomMakesTheSocketsParticipantAMemberOfTheTopic() {
        TopicChange.Result joined = actions.join("lobby", "a2").toCompletableFuture().join();
        assertEquals(new TopicChange.Result(1, 0), joined);
        assertEquals(Set.of("alice"), members("lobby"));
        actions.join("lobby", null).toCompletableFuture().join();
        assertEquals(Set.of("alice", "bob"), members("lobby"), "without a filter: every connected participant");
    }

    @Test
    void leavingARoomEndsTheParticipantsMembershipOrEveryonesWithoutAFilter() {
        topics.change(TopicChange.of("lobby", List.of("alice", "bob", "carol"), List.of()));
        actions.leave("lobby", "b1").toCompletableFuture().join();
        assertEquals(Set.of("alice", "carol"), members("lobby"));
        actions.leave("lobby", null).toCompletableFuture().join();
        assertEquals(Set.of(), members("lobby"), "carol too, though not connected");
    }

    @Test
    void theSocketsOwnRoomAndBadNamesAreNoTopics() {
        assertEquals(new TopicChange.Result(0, 0), actions.join("a1", "a1").toCompletableFuture().join());
        assertEquals(new TopicChange.Result(0, 0), actions.join("bad name", "a1").toCompletableFuture().join());
        assertEquals(Set.of(), members("a1"));
    }
}
