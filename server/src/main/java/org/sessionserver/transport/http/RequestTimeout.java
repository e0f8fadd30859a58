package org.sessionserver.transport.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection that does not deliver a whole request in time: when it connects, and after each answer
 * while no other request waits for one, the next request must arrive complete within the limit. A client that trickles
 * its headers a byte at a time (slowloris) or holds a keep-alive connection idle cannot keep it forever. Waiting for
 * the server's answer (a long poll, a request to a client) does not count. A WebSocket upgrade ends its work: the
 * WebSocket has its own heartbeat. (It then stays in the pipeline, inert: removing itself while the 101 answer
 * passed through it left some WebSockets that the server closed open at the client, under load.)
 *
 * <p>Sits after the HTTP aggregator (it sees whole requests) and after the encoder in pipeline order (it sees the
 * answers on their way out).
 */
public final class RequestTimeout extends ChannelDuplexHandler {
    private static final String KEEP_ALIVE = "Keep-Alive";

    private final long timeoutMs;
    private ScheduledFuture<?> timer;
    private int unanswered;
    private boolean upgraded;

    public RequestTimeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            unanswered++;
            stop();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && !upgraded) {
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                upgraded = true;
                stop();
            } else if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                if (HttpUtil.isKeepAlive(response)) {
                    // Clients that read it (Node's http, undici) drop an idle connection before the server does.
                    response.headers().set(KEEP_ALIVE, "timeout=" + Math.max(1, timeoutMs / 1000));
                }
                if (--unanswered <= 0) {
                    unanswered = 0;
                    start(ctx);
                }
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void start(ChannelHandlerContext ctx) {
        stop();
        timer = ctx.executor().schedule(() -> ctx.close(), timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
