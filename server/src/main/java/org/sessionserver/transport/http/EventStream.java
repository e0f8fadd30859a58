package org.sessionserver.transport.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A {@code text/event-stream} response (Server-Sent Events): the head once, then one event at a time, then the end.
 * The stream is delimited by the connection's close, so no proxy waits for a length. Called on the channel's loop.
 */
public final class EventStream {
    private final Channel channel;
    private boolean ended;

    private EventStream(Channel channel) {
        this.channel = channel;
    }

    /** Sends the head (200, no caching, CORS as for any answer). */
    public static EventStream open(HttpExchange exchange) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=UTF-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        exchange.cors().apply(exchange.origin(), head.headers());
        exchange.channel().writeAndFlush(head, exchange.channel().voidPromise());
        return new EventStream(exchange.channel());
    }

    /** One event: {@code event: <name>} and its data, one {@code data:} line per line of it. */
    public void send(String event, String data) {
        if (ended) {
            return;
        }
        StringBuilder text = new StringBuilder(data.length() + event.length() + 16).append("event: ").append(event);
        for (String line : data.split("\r\n|\r|\n", -1)) {
            text.append("\ndata: ").append(line);
        }
        text.append("\n\n");
        channel.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(channel.alloc(), text)),
                channel.voidPromise());
    }

    /** Ends the stream and closes the connection. */
    public void end() {
        if (!ended) {
            ended = true;
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
