package org.sessionserver.transport.http;

import io.netty.channel.Channel;

/**
 * How much a connection may have queued and not yet sent before it is dropped as a slow consumer (netty-socketio's
 * per-client queues have no bound, upstream #172): the write-buffer high-water mark of every channel, and the bound of
 * a polling session's buffer.
 */
public final class UnsentBytes {
    public static final int LIMIT = 2 * 1024 * 1024;

    private UnsentBytes() {
    }

    /**
     * What {@code channel} holds written and not yet taken by the kernel, as Netty counts it against the high-water
     * mark (the frames' bytes plus a small overhead per frame); at least the mark once the channel is unwritable, 0
     * once it is closed. Two volatile reads: cheap from any thread.
     */
    public static long of(Channel channel) {
        if (!channel.isActive()) {
            return 0;
        }
        return Math.max(0, channel.config().getWriteBufferHighWaterMark() - channel.bytesBeforeUnwritable());
    }
}
