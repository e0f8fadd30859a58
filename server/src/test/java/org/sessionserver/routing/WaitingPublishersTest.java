package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.sessionserver.routing.WaitingPublishers.Waiter;

class WaitingPublishersTest {
    private static final long WAIT_MS = 2_000;
    private final WaitingPublishers waiting = new WaitingPublishers(WAIT_MS);

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    @Test
    void aBurstGoesInArrivalOrder() {
        Waiter a = waiting.add(ms(0));
        Waiter b = waiting.add(ms(10));
        Waiter c = waiting.add(ms(20));
        assertSame(a, waiting.next(ms(30)));
        assertSame(b, waiting.next(ms(40)));
        assertSame(c, waiting.next(ms(50)));
        assertNull(waiting.next(ms(60)));
    }

    @Test
    void aLoneWaiterWaitsForTheLoopsUpToTheWholeWait() {
        Waiter lone = waiting.add(ms(0)); // a sequential publisher behind a long fan-out: back-pressure, not overload
        assertNull(waiting.expired(ms(WaitingPublishers.STANDING_MS * 5)));
        assertSame(lone, waiting.expired(ms(WAIT_MS)));
    }

    @Test
    void publishersQueuedBehindPublishersLongAreServedNewestFirstAndRefusedSoon() {
        Waiter a = waiting.add(ms(0));
        Waiter b = waiting.add(ms(10)); // crowded from here
        long standing = 10 + WaitingPublishers.STANDING_MS;
        assertNull(waiting.expired(ms(standing - 1)), "a burst: nobody's wait is over yet");
        Waiter c = waiting.add(ms(standing));
        assertSame(c, waiting.next(ms(standing)));
        assertSame(a, waiting.expired(ms(standing)));
        assertSame(b, waiting.expired(ms(standing)));
        assertNull(waiting.expired(ms(standing)));
    }

    @Test
    void aQueueStandsUntilItHasStayedEmptyAsLong() {
        Waiter a = waiting.add(ms(0));
        Waiter b = waiting.add(ms(10));
        long standing = 10 + WaitingPublishers.STANDING_MS;
        assertSame(b, waiting.next(ms(standing)));
        assertSame(a, waiting.expired(ms(standing)), "one waiter left, but the queue never emptied: still standing");
        Waiter next = waiting.add(ms(standing + 50)); // empty for 50 ms only: a lone waiter, still refused soon
        assertNull(waiting.expired(ms(standing + 50 + WaitingPublishers.STANDING_WAIT_MS - 1)));
        assertSame(next, waiting.expired(ms(standing + 50 + WaitingPublishers.STANDING_WAIT_MS)));
        long calm = standing + 50 + WaitingPublishers.STANDING_WAIT_MS + WaitingPublishers.STANDING_MS;
        Waiter alone = waiting.add(ms(calm)); // empty for as long as it took to stand: it waits the whole wait again
        assertNull(waiting.expired(ms(calm + 5 * WaitingPublishers.STANDING_MS)));
        assertSame(alone, waiting.next(ms(calm + 5 * WaitingPublishers.STANDING_MS)));
    }

    @Test
    void aCrowdThatClearsWithinTheStandingTimeIsABurst() {
        Waiter a = waiting.add(ms(0));
        Waiter b = waiting.add(ms(10));
        assertSame(a, waiting.next(ms(50)));
        assertSame(b, waiting.next(ms(60)));
        long calm = 60 + WaitingPublishers.STANDING_MS; // the queue empty for as long as it takes to stand
        Waiter c = waiting.add(ms(calm));
        Waiter d = waiting.add(ms(calm + 10));
        assertSame(c, waiting.next(ms(calm + 10 + WaitingPublishers.STANDING_MS - 1)), "crowded 99 ms: a burst");
        assertSame(d, waiting.next(ms(calm + 10 + WaitingPublishers.STANDING_MS)));
    }
}
