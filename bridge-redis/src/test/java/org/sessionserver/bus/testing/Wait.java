package org.sessionserver.bus.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline, polling briefly (lettuce's {@code Wait.untilTrue}): never a bare sleep. */
public final class Wait {
    private Wait() {
    }

    /** Returns how long it took; fails with {@code description} when the deadline passes first. */
    public static Duration until(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + description.get());
            }
            pause(10);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    public static Duration until(Duration timeout, BooleanSupplier condition, String description) {
        return until(timeout, condition, () -> description);
    }

    /**
     * The one deliberate pause of a test: after the expected deliveries arrived, gives a duplicate time to show up
     * before asserting that none did.
     */
    public static void settle(Duration duration) {
        pause(duration.toMillis());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
