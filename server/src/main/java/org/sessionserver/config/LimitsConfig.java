package org.sessionserver.config;

/**
 * What one client may send and hold.
 *
 * @param maxMessageSize               {@code MAX_MESSAGE_SIZE}: the largest event in bytes (default
 *                                     {@value #DEFAULT_MAX_MESSAGE_SIZE}, at most {@value #MAX_MAX_MESSAGE_SIZE})
 * @param rateLimitPerSec              {@code RATE_LIMIT_PER_SEC}: events per second per connection, sustained
 *                                     (default {@value #DEFAULT_RATE_LIMIT_PER_SEC}; fractions allowed, above 0)
 * @param rateLimitBurst               {@code RATE_LIMIT_BURST}: events a connection may send at once before the
 *                                     rate applies (default {@value #DEFAULT_RATE_LIMIT_BURST}, at least 1)
 * @param maxConnectionsPerParticipant {@code MAX_CONNECTIONS_PER_PARTICIPANT}: connections one participant may hold
 *                                     on one node (default {@value #DEFAULT_MAX_CONNECTIONS_PER_PARTICIPANT})
 */
public record LimitsConfig(int maxMessageSize, double rateLimitPerSec, int rateLimitBurst,
                           int maxConnectionsPerParticipant) {
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65_536;
    public static final int MAX_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    public static final double DEFAULT_RATE_LIMIT_PER_SEC = 50;
    public static final int DEFAULT_RATE_LIMIT_BURST = 100;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_PARTICIPANT = 100;

    private static final int MAX_COUNT = 1_000_000;

    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_RATE_LIMIT_PER_SEC, DEFAULT_RATE_LIMIT_BURST,
                DEFAULT_MAX_CONNECTIONS_PER_PARTICIPANT);
    }

    static LimitsConfig fromEnv(Env env) {
        return new LimitsConfig(
                (int) env.integer("MAX_MESSAGE_SIZE", DEFAULT_MAX_MESSAGE_SIZE, 1, MAX_MAX_MESSAGE_SIZE,
                        "1-" + MAX_MAX_MESSAGE_SIZE + " bytes"),
                env.decimal("RATE_LIMIT_PER_SEC", DEFAULT_RATE_LIMIT_PER_SEC, 0, MAX_COUNT,
                        "events per second, above 0 and at most " + MAX_COUNT),
                (int) env.integer("RATE_LIMIT_BURST", DEFAULT_RATE_LIMIT_BURST, 1, MAX_COUNT, "1-" + MAX_COUNT),
                (int) env.integer("MAX_CONNECTIONS_PER_PARTICIPANT", DEFAULT_MAX_CONNECTIONS_PER_PARTICIPANT, 1,
                        MAX_COUNT, "1-" + MAX_COUNT));
    }
}
