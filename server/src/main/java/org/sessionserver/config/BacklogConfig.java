package org.sessionserver.config;

/**
 * Back-pressure: how much outbound data a node lets pile up before publishers wait, and how long they wait.
 *
 * @param limitBytes {@code BACKLOG_LIMIT_BYTES}: the bound on this node's outbound backlog, bytes queued in the event
 *                   loops for fan-out plus bytes the connections hold unsent (default {@value #DEFAULT_LIMIT_BYTES},
 *                   at least {@value #MIN_LIMIT_BYTES}); over it {@code POST /messages} waits and the Redis subscriber
 *                   stops reading, until it is back under half of it
 * @param waitMs     {@code BACKLOG_WAIT_MS}: how long {@code POST /messages} waits for the backlog to come under the
 *                   bound before it is refused with 503 {@code unavailable} and {@code Retry-After} (default
 *                   {@value #DEFAULT_WAIT_MS}; 0 refuses at once)
 */
public record BacklogConfig(long limitBytes, long waitMs) {
    public static final long DEFAULT_LIMIT_BYTES = 8L * 1024 * 1024;
    public static final long MIN_LIMIT_BYTES = 64L * 1024;
    public static final long DEFAULT_WAIT_MS = 2_000;

    private static final long MAX_LIMIT_BYTES = 1L << 40;
    private static final long MAX_WAIT_MS = 120_000;

    public static BacklogConfig defaults() {
        return new BacklogConfig(DEFAULT_LIMIT_BYTES, DEFAULT_WAIT_MS);
    }

    static BacklogConfig fromEnv(Env env) {
        return new BacklogConfig(
                env.integer("BACKLOG_LIMIT_BYTES", DEFAULT_LIMIT_BYTES, MIN_LIMIT_BYTES, MAX_LIMIT_BYTES,
                        MIN_LIMIT_BYTES + "-" + MAX_LIMIT_BYTES + " bytes"),
                env.integer("BACKLOG_WAIT_MS", DEFAULT_WAIT_MS, 0, MAX_WAIT_MS, "0-" + MAX_WAIT_MS + " ms"));
    }
}
