package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BacklogTest {
    private final Backlog backlog = new Backlog();

    @Test
    void countsWhatLoopsHoldUntilTheyWroteIt() {
        backlog.queued(1_000);
        backlog.queued(500);
        assertEquals(1_500, backlog.bytes());
        backlog.written(1_000);
        assertEquals(500, backlog.bytes());
    }

    @Test
    void countsUnsentBytesOnceAtTheirLatestFigure() {
        UnsentConnection slow = new UnsentConnection();
        slow.unsent = 300;
        backlog.noteUnsent(slow);
        slow.unsent = 700;
        backlog.noteUnsent(slow);
        assertEquals(700, backlog.bytes());
        assertEquals(1, backlog.congestedConnections());
    }

    @Test
    void aClientThatReadsAgainLeavesTheBacklogAtTheNextResample() {
        UnsentConnection slow = new UnsentConnection();
        UnsentConnection other = new UnsentConnection();
        slow.unsent = 2_000;
        other.unsent = 100;
        backlog.noteUnsent(slow);
        backlog.noteUnsent(other);
        slow.unsent = 0; // it read everything (or closed): Netty tells nobody
        assertEquals(2_100, backlog.bytes());
        backlog.resample();
        assertEquals(100, backlog.bytes());
        assertEquals(1, backlog.congestedConnections());
    }

    @Test
    void fastClientsNeverEnterTheMap() {
        UnsentConnection fast = new UnsentConnection();
        backlog.noteUnsent(fast);
        assertEquals(0, backlog.bytes());
        assertEquals(0, backlog.congestedConnections());
    }
}
