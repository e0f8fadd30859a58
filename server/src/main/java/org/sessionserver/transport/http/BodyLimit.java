package org.sessionserver.transport.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;

/**
 * Gathers each HTTP request into one message of at most {@code maxBody} bytes of body, and answers a larger one with
 * 413 and the JSON error body every other refusal has (Netty's own 413 has no body). The rest of such a body is read
 * and discarded rather than left unread: closing with the client still sending would reset the connection before the
 * client could read the answer. Connections that asked for {@code Connection: close} are closed after a grace period.
 */
public final class BodyLimit extends HttpObjectAggregator {
    /** How long a refused client that asked for {@code Connection: close} may go on sending the body we discard. */
    static final long CLOSE_GRACE_MS = 1_000;

    private final int maxBody;
    private final CorsPolicy cors;

    public BodyLimit(int maxBody, CorsPolicy cors) {
        super(maxBody);
        this.maxBody = maxBody;
        this.cors = cors;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        String json = "{\"ok\":false,\"error\":{\"code\":\"too_large\",\"message\":\"the request body is over "
                + maxBody + " bytes\"}}";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ByteBufUtil.writeUtf8(ctx.alloc(), json));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpExchange.JSON);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        cors.apply(oversized.headers().get(HttpHeaderNames.ORIGIN), response.headers());
        boolean keepAlive = HttpUtil.isKeepAlive(oversized);
        response.headers().set(HttpHeaderNames.CONNECTION,
                keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response, ctx.voidPromise());
        if (!keepAlive) {
            ctx.executor().schedule(() -> ctx.channel().close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        }
    }
}
