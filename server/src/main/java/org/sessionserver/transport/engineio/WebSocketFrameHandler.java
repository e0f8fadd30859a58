package org.sessionserver.transport.engineio;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the frames of one WebSocket to its Engine.IO session, on the session's loop. The frames are whole: a
 * {@code WebSocketFrameAggregator} sits before this handler.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final EioSocket session;

    WebSocketFrameHandler(EioSocket session) {
        this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        // The WebSocket is on the session's loop (SessionLoops moved it there before this handler could read), so a
        // frame is handled where it is read, without a task; the hop remains for a channel that could not be moved.
        if (frame instanceof TextWebSocketFrame text) {
            String packet = text.text();
            onLoop(() -> session.onWebSocketText(ctx.channel(), packet));
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            byte[] data = ByteBufUtil.getBytes(binary.content());
            onLoop(() -> session.onWebSocketBinary(ctx.channel(), data));
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            ctx.close();
        }
    }

    private void onLoop(Runnable task) {
        if (session.loop().inEventLoop()) {
            try {
                task.run();
            } catch (RuntimeException e) { // as the loop would have logged it for a task: the session lives on
                log.warn("handling a frame of session {} failed", session.sid(), e);
            }
        } else {
            session.loop().execute(task);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.loop().execute(() -> session.onWebSocketClosed(ctx.channel()));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CorruptedWebSocketFrameException)) {
            log.debug("WebSocket of session {} failed", session.sid(), cause);
        }
        ctx.close();
    }
}
