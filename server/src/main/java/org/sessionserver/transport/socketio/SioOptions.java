package org.sessionserver.transport.socketio;

/**
 * Socket.IO v5 settings.
 *
 * @param connectTimeoutMs how long a new connection may take to join a namespace before it is closed
 * @param maxPacketBytes   the most bytes one packet may take with all its binary attachments
 */
public record SioOptions(long connectTimeoutMs, long maxPacketBytes) {
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 45_000;

    public static SioOptions forMaxPayload(long connectTimeoutMs, int maxPayload) {
        // A packet may have several attachments, each up to the Engine.IO payload limit; four is ample.
        return new SioOptions(connectTimeoutMs, 4L * maxPayload);
    }
}
