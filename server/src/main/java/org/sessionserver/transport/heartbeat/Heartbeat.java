package org.sessionserver.transport.heartbeat;

/**
 * The heartbeat of one connection (Engine.IO's ping and pong, or a raw WebSocket's ping and pong frames). Used on the
 * connection's event loop only.
 */
public final class Heartbeat {
    private final HeartbeatLoop loop;
    private final Runnable ping;
    private final Runnable timedOut;
    /** The next ping, or the deadline of the pong while one is awaited; null before the start and once stopped. */
    private HeartbeatLoop.Due due;
    private boolean awaitingPong;
    private boolean stopped;

    Heartbeat(HeartbeatLoop loop, Runnable ping, Runnable timedOut) {
        this.loop = loop;
        this.ping = ping;
        this.timedOut = timedOut;
    }

    /** The first ping follows one interval from now. */
    public void start() {
        if (!stopped && due == null) {
            due = loop.pingLater(this);
        }
    }

    /** A pong answers the outstanding ping; the next ping follows one interval later. Other pongs are ignored. */
    public void onPong() {
        if (awaitingPong && !stopped) {
            awaitingPong = false;
            due.cancel();
            due = loop.pingLater(this);
        }
    }

    public void stop() {
        stopped = true;
        if (due != null) {
            due.cancel();
            due = null;
        }
    }

    void pingNow() {
        awaitingPong = true;
        ping.run();
        if (!stopped) { // sending may have found the connection gone
            due = loop.timeOutLater(this);
        }
    }

    void timeOut() {
        due = null;
        stopped = true;
        timedOut.run();
    }
}
