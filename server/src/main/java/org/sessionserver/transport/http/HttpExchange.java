package org.sessionserver.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One HTTP request waiting for its answer: what is needed to answer it, kept apart from the request itself so that
 * the request can be released on the I/O thread and answered later from any thread.
 *
 * <p>Answers say {@code Connection: close} exactly when the server then closes the connection, and keep it open
 * otherwise (netty-socketio 2.0.14 replies keep-alive to polling requests and then closes the socket, which
 * aiohttp, hence python-socketio, cannot survive).
 */
public record HttpExchange(Channel channel, boolean keepAlive, String origin, CorsPolicy cors) {
    public static final String TEXT = "text/plain; charset=UTF-8";
    public static final String HTML = "text/html; charset=UTF-8";
    public static final String JSON = "application/json";

    public static HttpExchange of(Channel channel, FullHttpRequest request, CorsPolicy cors) {
        return new HttpExchange(channel, HttpUtil.isKeepAlive(request),
                request.headers().get(HttpHeaderNames.ORIGIN), cors);
    }

    public void send(HttpResponseStatus status, String contentType, String body) {
        send(status, contentType, ByteBufUtil.writeUtf8(channel.alloc(), body));
    }

    public void sendJson(HttpResponseStatus status, String json) {
        send(status, JSON, json);
    }

    public void send(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        send(response);
    }

    public void sendEmpty(HttpResponseStatus status) {
        send(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER));
    }

    public void send(FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        cors.apply(origin, response.headers());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            channel.writeAndFlush(response, channel.voidPromise());
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
