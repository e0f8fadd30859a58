package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionDirectory} promises, run against each twin: registered sessions are listed by
 * {@code all()} and by their participant, unchanged; unregistered ones are gone.
 */
public abstract class SessionDirectoryContract {
    protected static final Duration WAIT = Duration.ofSeconds(5);
    protected static final String NODE = "node-a";

    protected SessionDirectory directory;

    /** A fresh, empty directory for node {@link #NODE}, ready to serve reads of its own sessions. */
    protected abstract SessionDirectory newDirectory();

    @BeforeEach
    void openDirectory() {
        directory = newDirectory();
    }

    @AfterEach
    void closeDirectory() {
        directory.close();
    }

    protected static SessionRecord session(String participant, String session, boolean proxy) {
        return new SessionRecord(participant, session, "ch-" + session, NODE, proxy, "websocket",
                "2025-10-28T22:45:00.000Z");
    }

    protected static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    protected static List<SessionRecord> sorted(List<SessionRecord> sessions) {
        return sessions.stream().sorted(Comparator.comparing(SessionRecord::sessionId)).toList();
    }

    @Test
    void emptyDirectoryListsNothing() throws Exception {
        assertEquals(List.of(), get(directory.all()));
        assertEquals(List.of(), get(directory.ofParticipant("nobody")));
    }

    @Test
    void registeredSessionsAreListedUnchanged() throws Exception {
        SessionRecord a1 = session("alice", "s1", false);
        SessionRecord a2 = session("alice", "s2", true);
        SessionRecord b1 = new SessionRecord("bob", "s3", "ch-3", NODE, false, "polling", "2025-10-28T22:46:01.5Z");
        for (SessionRecord session : List.of(a1, a2, b1)) {
            get(directory.register(session));
        }
        assertEquals(List.of(a1, a2, b1), sorted(get(directory.all())));
        assertEquals(List.of(a1, a2), sorted(get(directory.ofParticipant("alice"))));
        assertEquals(List.of(b1), get(directory.ofParticipant("bob")));
        assertEquals(List.of(), get(directory.ofParticipant("carol")));
    }

    @Test
    void whatAClientSaidOfItselfIsListedUnchanged() throws Exception {
        SessionRecord agent = new SessionRecord("agent-7", "s1", "ch-1", NODE, false, "raw",
                "2025-10-28T22:45:00.000Z", "sess_001", BusJson.MAPPER.readTree(
                        "{\"sdk\":\"ingress-py\",\"version\":\"1.2.0\",\"tags\":[\"a\",1,null],\"n\":{\"x\":1.5}}"));
        get(directory.register(agent));
        assertEquals(List.of(agent), get(directory.all()));
        assertEquals(List.of(agent), get(directory.ofParticipant("agent-7")));
        get(directory.unregister(agent));
        assertEquals(List.of(), get(directory.ofParticipant("agent-7")));
    }

    @Test
    void registeringTwiceListsOnce() throws Exception {
        SessionRecord a1 = session("alice", "s1", false);
        get(directory.register(a1));
        get(directory.register(a1));
        assertEquals(List.of(a1), get(directory.all()));
        assertEquals(List.of(a1), get(directory.ofParticipant("alice")));
    }

    @Test
    void unregisteredSessionsAreGone() throws Exception {
        SessionRecord a1 = session("alice", "s1", false);
        SessionRecord a2 = session("alice", "s2", false);
        get(directory.register(a1));
        get(directory.register(a2));
        get(directory.unregister(a1));
        assertEquals(List.of(a2), get(directory.all()));
        assertEquals(List.of(a2), get(directory.ofParticipant("alice")));
        get(directory.unregister(a2));
        assertEquals(List.of(), get(directory.all()));
        assertEquals(List.of(), get(directory.ofParticipant("alice")));
    }

    @Test
    void unregisteringAnUnknownSessionChangesNothing() throws Exception {
        SessionRecord a1 = session("alice", "s1", false);
        get(directory.register(a1));
        get(directory.unregister(session("alice", "never-registered", false)));
        assertEquals(List.of(a1), get(directory.all()));
    }

    @Test
    void manyParticipantsStaySeparate() throws Exception {
        for (int i = 0; i < 50; i++) {
            get(directory.register(session("p" + (i % 5), "s" + i, i % 2 == 0)));
        }
        assertEquals(50, get(directory.all()).size());
        for (int p = 0; p < 5; p++) {
            List<SessionRecord> sessions = get(directory.ofParticipant("p" + p));
            assertEquals(10, sessions.size());
            String participant = "p" + p;
            assertTrue(sessions.stream().allMatch(s -> s.participantId().equals(participant)));
        }
    }

    @Test
    void connectionCountsCoverEveryAskedParticipant() throws Exception {
        get(directory.register(session("alice", "s1", false)));
        get(directory.register(session("alice", "s2", true)));
        get(directory.register(session("bob", "s3", false)));
        assertEquals(java.util.Map.of("alice", 2, "bob", 1, "carol", 0),
                get(directory.connectionCounts(List.of("alice", "bob", "carol"))));
        assertEquals(java.util.Map.of(), get(directory.connectionCounts(List.of())));
    }
}
