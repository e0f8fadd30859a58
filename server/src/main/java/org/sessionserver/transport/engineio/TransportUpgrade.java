package org.sessionserver.transport.engineio;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.sessionserver.transport.http.HttpExchange;

/**
 * The upgrade of one polling session to a WebSocket (claim, probe, switch), apart so {@link EioSocket} stays small.
 *
 * <p>Threading: used on the session's loop, but {@link #claim} and {@link #release}, which run wherever the upgrade
 * request is read (any thread).
 */
final class TransportUpgrade {
    /** How long a poll that arrives during an upgrade is held before its noop (engine.io's upgrade check interval). */
    static final long UPGRADING_POLL_RELEASE_MS = 100;

    private final EioSocket session;
    private final AtomicReference<Channel> claim = new AtomicReference<>();
    private Channel probeSocket;
    private boolean probed;
    private ScheduledFuture<?> deadline;

    TransportUpgrade(EioSocket session) {
        this.session = session;
    }

    /**
     * A WebSocket with this sid asks to take over from polling, when its upgrade request is read (any thread): the
     * first one keeps the claim until its upgrade fails. Claimed then, not once the WebSocket has reached the
     * session's loop, so that a second WebSocket that the client opened later never wins because its move was quicker.
     */
    boolean claim(Channel socket) {
        return claim.compareAndSet(null, socket);
    }

    /** Gives the claim up: the upgrade of this WebSocket did not happen. */
    void release(Channel socket) {
        claim.compareAndSet(socket, null);
    }

    /** Whether this WebSocket holds the claim and no other upgrade is under way. */
    boolean mayBegin(Channel socket) {
        return claim.get() == socket && probeSocket == null;
    }

    void begin(Channel socket) {
        probeSocket = socket;
        deadline = session.loop().schedule(() -> abandon(socket), EioOptions.UPGRADE_TIMEOUT_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Whether this is the WebSocket being probed, not yet the session's transport. */
    boolean isProbing(Channel socket) {
        return socket == probeSocket;
    }

    /** Whether the probe was answered: polls are then released soon rather than held. */
    boolean isProbed() {
        return probed;
    }

    void onProbeText(Channel socket, String packet) {
        if ("2probe".equals(packet) && !probed) {
            probed = true;
            socket.writeAndFlush(new TextWebSocketFrame("3probe"), socket.voidPromise());
            HttpExchange idlePoll = session.idlePoll();
            if (idlePoll != null) {
                releaseSoon(idlePoll); // so that the client can pause polling and finish the upgrade
            }
        } else if ("5".equals(packet) && probed) {
            deadline.cancel(false);
            probeSocket = null;
            probed = false;
            session.switchTo(socket);
        } else {
            abandon(socket);
        }
    }

    /**
     * Answers a poll pending during an upgrade with a noop shortly, as engine.io does (it checks every 100 ms), unless
     * the upgrade completes first: the poll is then refused as any poll after the upgrade. A client that upgrades waits
     * for its last poll before it sends {@code 5}, so only a poll sent after the {@code 5} meets the refusal, whether
     * its connection or the WebSocket was read first.
     */
    void releaseSoon(HttpExchange poll) {
        session.loop().schedule(() -> session.releaseHeldPoll(poll), UPGRADING_POLL_RELEASE_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Drops the WebSocket being probed, if it is this one, and gives its claim up. */
    void abandon(Channel socket) {
        if (socket != probeSocket) {
            return;
        }
        probeSocket = null;
        probed = false;
        deadline.cancel(false);
        release(socket);
        socket.close();
    }

    /** The session ends: its upgrade timer stops and the WebSocket being probed, if any, is closed. */
    void stop() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (probeSocket != null) {
            probeSocket.close();
        }
    }
}
