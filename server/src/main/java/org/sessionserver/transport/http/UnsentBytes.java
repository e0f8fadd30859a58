package org.sessionserver.transport.http;

/**
 * How much a connection may have queued and not yet sent before it is dropped as a slow consumer (netty-socketio's
 * per-client queues have no bound, upstream #172): the write-buffer high-water mark of every channel, and the bound of
 * a polling session's buffer.
 */
public final class UnsentBytes {
    public static final int LIMIT = 2 * 1024 * 1024;

    private UnsentBytes() {
    }
}
