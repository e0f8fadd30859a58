package org.sessionserver.transport.engineio;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Engine.IO v4 heartbeat of one session: a ping every {@code pingInterval} after the last pong, and the session
 * given up when no pong comes within {@code pingTimeout} of a ping. Used on the session's loop only.
 */
final class Heartbeat {
    private final EventLoop loop;
    private final EioOptions options;
    private final Runnable ping;
    private final Runnable timedOut;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pongDeadline;

    Heartbeat(EventLoop loop, EioOptions options, Runnable ping, Runnable timedOut) {
        this.loop = loop;
        this.options = options;
        this.ping = ping;
        this.timedOut = timedOut;
    }

    void start() {
        pingTimer = loop.schedule(this::sendPing, options.pingIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** A pong answers the outstanding ping; the next ping follows one interval later. */
    void onPong() {
        if (pongDeadline != null) {
            pongDeadline.cancel(false);
            pongDeadline = null;
            start();
        }
    }

    void stop() {
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        if (pongDeadline != null) {
            pongDeadline.cancel(false);
        }
    }

    private void sendPing() {
        ping.run();
        pongDeadline = loop.schedule(timedOut, options.pingTimeoutMs(), TimeUnit.MILLISECONDS);
    }
}
