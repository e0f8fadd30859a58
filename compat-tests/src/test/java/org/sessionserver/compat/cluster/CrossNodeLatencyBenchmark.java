package org.sessionserver.compat.cluster;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link CrossNodeLatencyBench} under Maven (see its Javadoc for the command). Named to match neither
 * {@code *Test} nor {@code *IT}: surefire and failsafe never pick it up unless asked by name.
 */
class CrossNodeLatencyBenchmark {
    @Test
    void crossNodeLatency() throws Exception {
        System.out.println(CrossNodeLatencyBench.run());
    }
}
