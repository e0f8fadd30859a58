package org.sessionserver.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.function.Consumer;

/**
 * Turns an HTTP request into a WebSocket (RFC 6455, no extensions: no permessage-deflate, which costs ~100 KB and
 * twice the CPU per connection), for both WebSocket endpoints: the handshake answer, then the channel leaves HTTP
 * routing and the endpoint puts its frame handlers in place.
 */
public final class WebSocketUpgrade {
    /** How an upgrade began. */
    public enum Start {
        /** The handshake answer is on its way; the endpoint hears of the outcome. */
        STARTED,
        /** The client asked for a WebSocket version this server does not speak: answered 426 already. */
        UNSUPPORTED_VERSION,
        /** Not a WebSocket handshake Netty can work with (no key, bad headers): the endpoint answers 400. */
        NOT_A_HANDSHAKE
    }

    private WebSocketUpgrade() {
    }

    /**
     * Answers the handshake. Once it is written, the channel's HTTP routing is removed and {@code upgraded} gets the
     * pipeline to add its frame handlers to; when it cannot be written, the channel is closed and {@code failed} runs.
     */
    public static Start start(FullHttpRequest request, Channel channel, WebSocketDecoderConfig decoder,
                              Consumer<ChannelPipeline> upgraded, Runnable failed) {
        String scheme = channel.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
        String url = scheme + request.headers().get(HttpHeaderNames.HOST) + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, decoder)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return Start.UNSUPPORTED_VERSION;
        }
        if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            return Start.NOT_A_HANDSHAKE;
        }
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(channel, request);
        } catch (RuntimeException notAHandshake) { // Netty's handshaker throws on headers it cannot work with
            return Start.NOT_A_HANDSHAKE;
        }
        handshake.addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
                failed.run();
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            pipeline.remove(HttpRouter.class);
            upgraded.accept(pipeline);
        });
        return Start.STARTED;
    }
}
