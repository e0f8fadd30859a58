package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Counting missed packets from each peer's (epoch, sequence). */
class SequenceTrackerTest {
    private final SequenceTracker tracker = new SequenceTracker();

    @Test
    void firstPacketOfAPeerMissesNothing() {
        assertEquals(0, tracker.observe("a", 1, 57));
    }

    @Test
    void consecutivePacketsMissNothing() {
        for (long seq = 1; seq <= 100; seq++) {
            assertEquals(0, tracker.observe("a", 1, seq));
        }
    }

    @Test
    void aJumpCountsTheMissedPackets() {
        tracker.observe("a", 1, 1);
        assertEquals(3, tracker.observe("a", 1, 5));
        assertEquals(0, tracker.observe("a", 1, 6));
        assertEquals(10, tracker.observe("a", 1, 17));
    }

    @Test
    void duplicatesAndLatePacketsMissNothingAndDoNotMoveBack() {
        tracker.observe("a", 1, 10);
        assertEquals(0, tracker.observe("a", 1, 10));
        assertEquals(0, tracker.observe("a", 1, 4));
        assertEquals(0, tracker.observe("a", 1, 11), "the position stayed at 10");
        assertEquals(1, tracker.observe("a", 1, 13));
    }

    @Test
    void aNewEpochStartsANewSequence() {
        tracker.observe("a", 1, 500);
        assertEquals(0, tracker.observe("a", 2, 1), "the peer restarted");
        assertEquals(0, tracker.observe("a", 2, 2));
        assertEquals(2, tracker.observe("a", 2, 5));
    }

    @Test
    void peersAreTrackedApart() {
        tracker.observe("a", 1, 1);
        tracker.observe("b", 7, 100);
        assertEquals(0, tracker.observe("a", 1, 2));
        assertEquals(0, tracker.observe("b", 7, 101));
        assertEquals(1, tracker.observe("a", 1, 4));
        assertEquals(0, tracker.observe("b", 7, 102));
    }

    @Test
    void concurrentObserversCountEachGapOnce() throws Exception {
        tracker.observe("a", 1, 0);
        AtomicLong missed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        // Every tenth sequence number never arrives; the rest arrive from 8 threads in any order.
        for (long seq = 1; seq <= 10_000; seq++) {
            if (seq % 10 != 0) {
                long s = seq;
                pool.execute(() -> missed.addAndGet(tracker.observe("a", 1, s)));
            }
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        // Reordering can only hide gaps (a late packet counts as nothing), never invent any.
        long counted = missed.get() + tracker.observe("a", 1, 10_001);
        assertEquals(true, counted <= 10_000, "counted " + counted + " missed of 10000");
    }
}
