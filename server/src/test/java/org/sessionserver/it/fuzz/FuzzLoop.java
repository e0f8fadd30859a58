package org.sessionserver.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;

/**
 * Runs a bounded number of seeded fuzz cases, each from its own seed, under a global deadline: a case that throws
 * fails with its seed (replay it with {@code -Dfuzz.seed=<seed> -Dfuzz.iterations=1}); a case that hangs fails with
 * the seed and the input at hand. {@code -Dfuzz.iterations=N} sets the count, {@code -Dfuzz.seed=random} a fresh run.
 */
public final class FuzzLoop {
    /** One input taking this long counts as a hang. */
    private static final long SLOW_NANOS = Duration.ofSeconds(2).toNanos();

    /** One case: builds its input from {@code seed}, reports it with {@link #describe}, checks the outcome. */
    public interface Case {
        void run(long seed) throws Exception;
    }

    private final String name;
    private final long iterations;
    private final long seed;
    private volatile String current = "";
    private volatile long currentSeed;

    public FuzzLoop(String name, long defaultIterations, long defaultSeed) {
        this.name = name;
        this.iterations = Mutations.setting("iterations", defaultIterations);
        String value = System.getProperty("fuzz.seed");
        this.seed = "random".equals(value) ? System.nanoTime()
                : value == null || value.isBlank() ? defaultSeed : Long.parseLong(value.trim());
    }

    /** Records the input of the case at hand, for the hang report. */
    public void describe(String input) {
        current = input;
    }

    public void run(Case test) {
        long budgetMs = Math.max(60_000, iterations / 10); // generous: a hang, not slowness, trips it
        try {
            assertTimeoutPreemptively(Duration.ofMillis(budgetMs), () -> {
                long started = System.nanoTime();
                for (long i = 0; i < iterations; i++) {
                    long inputSeed = seed + i * 0x9E3779B97F4A7C15L;
                    currentSeed = inputSeed;
                    long caseStarted = System.nanoTime();
                    try {
                        test.run(inputSeed);
                    } catch (Throwable unexpected) {
                        throw new AssertionError(name + ": replay with -Dfuzz.seed=" + inputSeed
                                + " -Dfuzz.iterations=1: " + Mutations.show(current) + " -> " + unexpected, unexpected);
                    }
                    long took = System.nanoTime() - caseStarted;
                    if (took > SLOW_NANOS) {
                        fail(name + ": slow input (" + took / 1_000_000 + " ms), replay with -Dfuzz.seed=" + inputSeed
                                + " -Dfuzz.iterations=1: " + Mutations.show(current));
                    }
                }
                System.out.printf("%s fuzz: %d inputs from seed %d in %d ms%n", name, iterations, seed,
                        (System.nanoTime() - started) / 1_000_000);
            });
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().contains("execution timed out")) {
                fail(name + ": hang, replay with -Dfuzz.seed=" + currentSeed + " -Dfuzz.iterations=1: "
                        + Mutations.show(current), e);
            }
            throw e;
        }
    }
}
