package org.sessionserver.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.InMemoryTopics;
import org.sessionserver.bus.Message;

class RecoveryBookTest {
    private final LocalTopics topics = new LocalTopics(new InMemoryTopics(), new RecordedAudiences());
    private final RecoveryBook here = new RecoveryBook(60_000, "n1", new LocalSessions("n1", topics));
    private final RecoveryBook there = new RecoveryBook(60_000, "n2", new LocalSessions("n2", topics));

    @AfterEach
    void close() {
        here.close();
        there.close();
        topics.close();
    }

    private static OutboundMessage message(int n) {
        return new OutboundMessage(Message.parse("{\"to\":[{\"participantId\":\"p\"}],\"n\":" + n + "}"));
    }

    private static String json(int n) {
        return "{\"to\":[{\"participantId\":\"p\"}],\"n\":" + n + "}";
    }

    @Test
    void claimReplaysOnlyWhatTheLogStillCovers() {
        RecoveryBook.Entry entry = here.open("p", "s1", false);
        for (int n = 1; n <= RecoveryBook.MAX_LOGGED + 5; n++) {
            entry.deliver(message(n));
        }
        assertNull(here.claim(entry.pid(), "2", "p"), "offset 3..5 were evicted: recovering would leave a gap");
        assertNull(here.claim(entry.pid(), "5", "q"), "another participant");
        assertNull(here.claim(entry.pid(), "99999", "p"), "an offset never given");
        assertNotNull(here.claim(entry.pid(), "5", "p"));
        assertNull(here.claim(entry.pid(), "5", "p"), "claimed once");
    }

    @Test
    void sameMessageHandedTwiceInARowIsLoggedOnce() {
        RecoveryBook.Entry entry = here.open("p", "s1", false);
        OutboundMessage once = message(1);
        entry.deliver(once);
        entry.deliver(once);
        assertEquals(List.of(json(1)), here.handOver(entry.pid(), "0", "p"));
    }

    @Test
    void handoverJoinsTheTwoLogsWhereTheyOverlap() {
        RecoveryBook.Entry old = there.open("p", "s1", true);
        old.deliver(message(1));
        RecoveryBook.Entry adopted = here.adopt(old.pid(), "p");
        assertEquals("s1", adopted.sessionId(), "the session id travels in the pid");
        assertEquals(true, adopted.proxy());
        // Both nodes see messages 2 and 3; the old node stops at the handover, the new one goes on with 4.
        old.deliver(message(2));
        old.deliver(message(3));
        adopted.deliver(message(2));
        adopted.deliver(message(3));
        adopted.deliver(message(4));
        List<String> missed = there.handOver(old.pid(), "1", "p");
        assertEquals(List.of(json(2), json(3)), missed);
        here.completeAdoption(adopted, missed);
        assertEquals(List.of(json(2), json(3), json(4)), here.logOf(adopted));
        assertNull(there.handOver(old.pid(), "1", "p"), "the old node forgot it");
    }
}
