package org.sessionserver.config;

/**
 * Heartbeats, liveness and grace periods, all in milliseconds.
 *
 * @param pingIntervalMs   {@code PING_INTERVAL_MS}: Engine.IO pingInterval (default
 *                         {@value #DEFAULT_PING_INTERVAL_MS})
 * @param pingTimeoutMs    {@code PING_TIMEOUT_MS}: Engine.IO pingTimeout (default {@value #DEFAULT_PING_TIMEOUT_MS})
 * @param nodeTtlMs        {@code NODE_TTL_MS}: how long a node counts as alive after its last heartbeat in the
 *                         shared registry (default {@value #DEFAULT_NODE_TTL_MS}, at least {@value #MIN_NODE_TTL_MS})
 * @param recoveryWindowMs {@code RECOVERY_WINDOW_MS}: how long a dropped connection may come back and get its missed
 *                         messages (default {@value #DEFAULT_RECOVERY_WINDOW_MS}; 0 turns recovery off)
 * @param drainTimeoutMs   {@code DRAIN_TIMEOUT_MS}: how long a stopping node waits for its connections to leave
 *                         before closing them (default {@value #DEFAULT_DRAIN_TIMEOUT_MS}; 0 closes at once)
 */
public record TimingConfig(long pingIntervalMs, long pingTimeoutMs, long nodeTtlMs, long recoveryWindowMs,
                           long drainTimeoutMs) {
    public static final long DEFAULT_PING_INTERVAL_MS = 25_000;
    public static final long DEFAULT_PING_TIMEOUT_MS = 20_000;
    public static final long DEFAULT_NODE_TTL_MS = 15_000;
    public static final long MIN_NODE_TTL_MS = 1_000;
    public static final long DEFAULT_RECOVERY_WINDOW_MS = 120_000;
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

    private static final long HOUR_MS = 3_600_000;
    private static final long DAY_MS = 24 * HOUR_MS;

    public static TimingConfig defaults() {
        return new TimingConfig(DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS, DEFAULT_NODE_TTL_MS,
                DEFAULT_RECOVERY_WINDOW_MS, DEFAULT_DRAIN_TIMEOUT_MS);
    }

    static TimingConfig fromEnv(Env env) {
        return new TimingConfig(
                env.integer("PING_INTERVAL_MS", DEFAULT_PING_INTERVAL_MS, 1, HOUR_MS, "1-" + HOUR_MS + " ms"),
                env.integer("PING_TIMEOUT_MS", DEFAULT_PING_TIMEOUT_MS, 1, HOUR_MS, "1-" + HOUR_MS + " ms"),
                env.integer("NODE_TTL_MS", DEFAULT_NODE_TTL_MS, MIN_NODE_TTL_MS, DAY_MS,
                        MIN_NODE_TTL_MS + "-" + DAY_MS + " ms"),
                env.integer("RECOVERY_WINDOW_MS", DEFAULT_RECOVERY_WINDOW_MS, 0, DAY_MS, "0-" + DAY_MS + " ms"),
                env.integer("DRAIN_TIMEOUT_MS", DEFAULT_DRAIN_TIMEOUT_MS, 0, HOUR_MS, "0-" + HOUR_MS + " ms"));
    }
}
