package org.sessionserver.transport.rawws;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sessionserver.transport.PreparedTextFrame;
import org.sessionserver.transport.http.HandshakeRequest;
import org.sessionserver.transport.http.UnsentBytes;

/** One raw WebSocket connection. Its methods may be called from any thread. */
public final class RawSocket {
    static final long CLOSE_GRACE_MS = 1_000;
    public static final WebSocketCloseStatus SLOW_CONSUMER =
            new WebSocketCloseStatus(WebSocketCloseStatus.POLICY_VIOLATION.code(), "slow consumer");
    /**
     * No pong in time. Not 1001 ("going away": the server is stopping, connect elsewhere): a code of the private range
     * (RFC 6455 7.4.2), 4000 + HTTP 408, as 4403 will say "disconnected by the server".
     */
    public static final WebSocketCloseStatus PING_TIMEOUT = new WebSocketCloseStatus(4408, "ping timeout");
    /** The engine disconnected the client (4000 + HTTP 403). */
    public static final WebSocketCloseStatus DISCONNECTED = new WebSocketCloseStatus(4403, "disconnected by the server");

    private final Channel channel;
    private final HandshakeRequest handshake;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Object attachment;
    private volatile WebSocketCloseStatus closeStatus;

    RawSocket(Channel channel, HandshakeRequest handshake) {
        this.channel = channel;
        this.handshake = handshake;
    }

    /** The upgrade request: query, headers, remote address. */
    public HandshakeRequest handshake() {
        return handshake;
    }

    public Channel channel() {
        return channel;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    public boolean isOpen() {
        return channel.isActive() && !closing.get();
    }

    /** What this socket holds written and not yet taken by its client; from any thread. */
    public long unsentBytes() {
        return UnsentBytes.of(channel);
    }

    public void sendText(String text) {
        if (isOpen()) {
            channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)),
                    channel.voidPromise());
            dropIfSlow();
        }
    }

    /** Sends a frame made once for all the sockets a message goes to. */
    public void sendPrepared(PreparedTextFrame frame) {
        if (isOpen()) {
            channel.writeAndFlush(frame.view(), channel.voidPromise());
            dropIfSlow();
        }
    }

    /** A client that lets more than the server's unsent-bytes limit pile up is closed with 1008 "slow consumer". */
    private void dropIfSlow() {
        if (channel.isActive() && !channel.isWritable()) {
            close(SLOW_CONSUMER);
        }
    }

    /** Why the server closed this socket, or null when it did not (or not yet). */
    public WebSocketCloseStatus closeStatus() {
        return closeStatus;
    }

    public void sendBinary(byte[] data) {
        if (isOpen()) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), channel.voidPromise());
            dropIfSlow();
        }
    }

    /**
     * Starts the closing handshake with this status. The connection is dropped when the client answers with its close
     * frame (RFC 6455 7.1.1), or after {@link #CLOSE_GRACE_MS} at the latest: closing at once, with the client's data
     * still unread, would reset the connection before the client could read why.
     */
    /** Sends the close frame, then closes; false when the socket was closed or closing already. */
    public boolean close(WebSocketCloseStatus status) {
        if (closing.compareAndSet(false, true) && channel.isActive()) {
            closeStatus = status;
            channel.writeAndFlush(new CloseWebSocketFrame(status), channel.voidPromise());
            channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
            return true;
        }
        return false;
    }

    boolean markClosing() {
        return closing.compareAndSet(false, true);
    }
}
