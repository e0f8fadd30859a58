package org.sessionserver.transport.engineio;

import org.sessionserver.transport.http.CorsPolicy;

/**
 * Engine.IO v4 settings of one endpoint.
 *
 * @param path           the endpoint path, with a trailing slash ({@code /socket.io/})
 * @param pingIntervalMs how often the server pings (Engine.IO {@code pingInterval})
 * @param pingTimeoutMs  how long after a ping the pong may take before the session is closed
 * @param maxPayload     the largest packet or polling body accepted, in bytes (Engine.IO {@code maxPayload})
 * @param cors           which browser origins may use the polling transport
 */
public record EioOptions(String path, long pingIntervalMs, long pingTimeoutMs, int maxPayload, CorsPolicy cors) {
    public static final String DEFAULT_PATH = "/socket.io/";
    public static final long DEFAULT_PING_INTERVAL_MS = 25_000;
    public static final long DEFAULT_PING_TIMEOUT_MS = 20_000;
    public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;

    /** How long an upgrade may take between the WebSocket handshake and the client's {@code 5}. */
    public static final long UPGRADE_TIMEOUT_MS = 10_000;

    public EioOptions {
        if (!path.startsWith("/") || !path.endsWith("/")) {
            throw new IllegalArgumentException("path must start and end with '/': " + path);
        }
        if (pingIntervalMs <= 0 || pingTimeoutMs <= 0 || maxPayload <= 0) {
            throw new IllegalArgumentException("ping interval, ping timeout and max payload must be positive");
        }
    }

    public static EioOptions defaults() {
        return new EioOptions(DEFAULT_PATH, DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS,
                DEFAULT_MAX_PAYLOAD, CorsPolicy.ANY_ORIGIN);
    }
}
