package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoopPaceTest {
    private static final long MS = 1_000_000;
    private static final long MIB = 1024 * 1024;

    private final LoopPace pace = new LoopPace();

    @Test
    void untilMeasuredTheLoopsAreFedTheMinimum() {
        assertEquals(LoopPace.MIN_AHEAD_BYTES, pace.aheadBytes());
    }

    @Test
    void busyLoopsAreFedWhatTheyWriteInTheAheadTimeSmoothedOverTicks() {
        pace.sample(0, MIB, 0);
        pace.sample(MIB, MIB, 10 * MS); // 1 MiB in 10 ms: 2 MiB per 20 ms
        assertEquals((LoopPace.MIN_AHEAD_BYTES + 2 * MIB) / 2, pace.aheadBytes());
        for (int tick = 2; tick < 40; tick++) {
            pace.sample(tick * MIB, MIB, tick * 10 * MS);
        }
        assertEquals(2 * MIB, pace.aheadBytes(), 2 * MIB / 100);
    }

    @Test
    void ticksThatFindTheLoopsOutOfWorkSayNothingOfTheirSpeed() {
        pace.sample(0, MIB, 0);
        pace.sample(MIB, MIB, 10 * MS);
        long measured = pace.aheadBytes();
        pace.sample(2 * MIB, 0, 20 * MS); // ran out of work during the tick: wrote less than it could
        pace.sample(2 * MIB, MIB, 30 * MS); // had none at the start of this one
        assertEquals(measured, pace.aheadBytes());
    }

    @Test
    void ticksFarApartMeasureNothing() {
        pace.sample(0, MIB, 0);
        pace.sample(MIB, MIB, 60_000 * MS); // the timer stopped in between
        assertEquals(LoopPace.MIN_AHEAD_BYTES, pace.aheadBytes());
    }

    @Test
    void slowLoopsAreStillFedTheMinimum() {
        pace.sample(0, MIB, 0);
        pace.sample(1, MIB, 10 * MS);
        assertEquals(LoopPace.MIN_AHEAD_BYTES, pace.aheadBytes());
    }
}
