package org.sessionserver.routing;

/**
 * How far ahead of the event loops' writing {@link PublishGate} lets fan-out queue up once publishers wait:
 * {@value #AHEAD_MS} ms of what the loops wrote lately, at least {@value #MIN_AHEAD_BYTES} bytes. Under overload a
 * message waits behind every fan-out queued before it; bounded by memory alone (8 MiB, four broadcasts to 10,000
 * connections) that wait was most of a delivered message's 2-3 s. A few ticks of writing keep the loops busy until
 * the next tick admits more. Measured on the gate's ticks, and only across ticks that found the loops with work at
 * both ends: a loop that ran out of work says nothing of its speed.
 */
final class LoopPace {
    static final long AHEAD_MS = 20;
    static final long MIN_AHEAD_BYTES = 64 * 1024;
    private static final long AHEAD_NANOS = AHEAD_MS * 1_000_000;
    /** Ticks further apart than this (the timer stopped in between) measure nothing. */
    private static final long MAX_SAMPLE_NANOS = 10 * PublishGate.TICK_MS * 1_000_000;

    private long lastWritten;
    private long lastNanos;
    private boolean hadWork;
    private volatile long aheadBytes = MIN_AHEAD_BYTES;

    /**
     * One tick's reading (on the gate's thread).
     *
     * @param written the loops' {@link Backlog#writtenBytes()}
     * @param queued  their {@link Backlog#queuedBytes()}
     */
    void sample(long written, long queued, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (hadWork && queued > 0 && elapsed > 0 && elapsed <= MAX_SAMPLE_NANOS) {
            long ahead = (written - lastWritten) * AHEAD_NANOS / elapsed;
            aheadBytes = Math.max(MIN_AHEAD_BYTES, (aheadBytes + ahead) / 2); // smoothed: one tick is noisy
        }
        lastWritten = written;
        lastNanos = nowNanos;
        hadWork = queued > 0;
    }

    /** Publishers waiting are admitted only while the loops hold less than this unwritten. */
    long aheadBytes() {
        return aheadBytes;
    }
}
