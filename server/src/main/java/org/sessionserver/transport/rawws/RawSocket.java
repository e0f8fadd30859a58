package org.sessionserver.transport.rawws;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sessionserver.transport.engineio.EngineHandshake;

/** One raw WebSocket connection. Its methods may be called from any thread. */
public final class RawSocket {
    private final Channel channel;
    private final EngineHandshake handshake;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Object attachment;

    RawSocket(Channel channel, EngineHandshake handshake) {
        this.channel = channel;
        this.handshake = handshake;
    }

    /** The upgrade request: query, headers, remote address. */
    public EngineHandshake handshake() {
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

    public void sendText(String text) {
        if (isOpen()) {
            channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)),
                    channel.voidPromise());
        }
    }

    public void sendBinary(byte[] data) {
        if (isOpen()) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), channel.voidPromise());
        }
    }

    /** Starts the closing handshake with this status; the connection is dropped once the close frame is out. */
    public void close(WebSocketCloseStatus status) {
        if (closing.compareAndSet(false, true) && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    boolean markClosing() {
        return closing.compareAndSet(false, true);
    }
}
