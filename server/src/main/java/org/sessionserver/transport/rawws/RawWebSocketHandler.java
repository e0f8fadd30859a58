package org.sessionserver.transport.rawws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.sessionserver.transport.heartbeat.Heartbeat;
import org.sessionserver.transport.heartbeat.Heartbeats;

/**
 * The RFC 6455 side of a raw WebSocket after the upgrade: whole messages to the listener, control frames answered,
 * the closing handshake with the close codes the RFC asks for, and a ping every interval with a pong deadline.
 * Frame-level violations (masking, opcodes, fragmentation, UTF-8, size) are found by Netty's decoder,
 * {@code Utf8FrameValidator} and {@code WebSocketFrameAggregator} before this handler, which closes with the code
 * they name: 1002, 1007 or 1009.
 */
final class RawWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final RawSocket socket;
    private final RawSocketListener listener;
    private final Heartbeats heartbeats;
    private Heartbeat heartbeat;

    RawWebSocketHandler(RawSocket socket, RawSocketListener listener, Heartbeats heartbeats) {
        this.socket = socket;
        this.listener = listener;
        this.heartbeats = heartbeats;
    }

    /** Called once the handshake is done, on the channel's loop. */
    void start(ChannelHandlerContext ctx) {
        heartbeat = heartbeats.of(ctx.executor(), () -> {
            if (socket.isOpen()) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            } else {
                heartbeat.stop(); // closing: the close handshake or its grace period ends it, not a pong deadline
            }
        }, () -> socket.close(RawSocket.PING_TIMEOUT));
        heartbeat.start();
        listener.onOpen(socket);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!socket.isOpen() && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
            return; // we are closing: only the client's close frame matters now
        }
        if (frame instanceof TextWebSocketFrame text) {
            listener.onText(socket, text.text());
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            listener.onBinary(socket, ByteBufUtil.getBytes(binary.content()));
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof PongWebSocketFrame && heartbeat != null) {
            heartbeat.onPong();
        } else if (frame instanceof CloseWebSocketFrame close) {
            answerClose(ctx, close);
        }
    }

    /** Echoes a valid close (same code), or answers a malformed one with 1002 / 1007, then drops the connection. */
    private void answerClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        if (!socket.markClosing()) {
            ctx.close(); // we had sent our close first: this is the answer
            return;
        }
        ByteBuf payload = close.content();
        CloseWebSocketFrame answer;
        if (payload.readableBytes() == 0) {
            answer = new CloseWebSocketFrame();
        } else if (payload.readableBytes() == 1 || !isValidCloseCode(close.statusCode())) {
            answer = new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR);
        } else if (!isUtf8(payload.slice(payload.readerIndex() + 2, payload.readableBytes() - 2))) {
            answer = new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA);
        } else {
            answer = new CloseWebSocketFrame(close.statusCode(), "");
        }
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    /** RFC 6455 7.4: the codes an endpoint may send (1000-1003, 1007-1014, 3000-4999). */
    static boolean isValidCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private static boolean isUtf8(ByteBuf bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(ByteBufUtil.getBytes(bytes)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeat != null) {
            heartbeat.stop();
        }
        listener.onClose(socket);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            socket.close(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            socket.close(corrupted.closeStatus()); // 1002 protocol error, 1007 bad UTF-8, 1009 frame too big
        } else {
            socket.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR);
        }
    }
}
