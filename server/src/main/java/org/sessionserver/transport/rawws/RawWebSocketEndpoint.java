package org.sessionserver.transport.rawws;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sessionserver.transport.heartbeat.Heartbeats;
import org.sessionserver.transport.http.CorsPolicy;
import org.sessionserver.transport.http.HandshakeRequest;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;
import org.sessionserver.transport.http.WebSocketUpgrade;

/**
 * A plain WebSocket endpoint (RFC 6455, no Socket.IO): upgrades requests of its path and hands each connection to a
 * {@link RawSocketListener}. Messages larger than {@code maxMessageBytes} close the connection with 1009.
 */
public final class RawWebSocketEndpoint implements HttpRoute {
    private final RawSocketListener listener;
    private final int maxMessageBytes;
    private final Heartbeats heartbeats;
    private final CorsPolicy cors;
    private final Set<RawSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;


    public RawWebSocketEndpoint(RawSocketListener listener, int maxMessageBytes, long pingIntervalMs,
                                long pingTimeoutMs, CorsPolicy cors) {
        this.listener = listener;
        this.maxMessageBytes = maxMessageBytes;
        this.heartbeats = new Heartbeats(pingIntervalMs, pingTimeoutMs);
        this.cors = cors;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        Channel channel = exchange.channel();
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            exchange.sendJson(HttpResponseStatus.BAD_REQUEST,
                    "{\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"this endpoint speaks WebSocket\"}}");
            return;
        }
        if (!accepting) {
            exchange.sendJson(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "{\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"server is shutting down\"}}");
            return;
        }
        if (!cors.allows(exchange.origin())) {
            exchange.sendJson(HttpResponseStatus.FORBIDDEN,
                    "{\"ok\":false,\"error\":{\"code\":\"forbidden\",\"message\":\"origin not allowed\"}}");
            return;
        }
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessageBytes)
                .allowExtensions(false)
                // Our handler closes with the violation's code: the decoder's own close frame would be written
                // from in front of the frame encoder and never reach the wire.
                .closeOnProtocolViolation(false)
                .build();
        HandshakeRequest handshake = new HandshakeRequest(uri.parameters(),
                new DefaultHttpHeaders().add(request.headers()), channel.remoteAddress());
        RawSocket socket = new RawSocket(channel, handshake);
        RawWebSocketHandler frames = new RawWebSocketHandler(socket, listener, heartbeats);
        WebSocketUpgrade.Start start = WebSocketUpgrade.start(request, channel, decoder, pipeline -> {
            pipeline.addLast(new Utf8FrameValidator(false));
            pipeline.addLast(new WebSocketFrameAggregator(maxMessageBytes));
            pipeline.addLast(frames);
            if (!channel.isActive()) {
                return; // closed before its handlers were in place (a bad first frame): no session to open
            }
            open.add(socket);
            channel.closeFuture().addListener(closed -> open.remove(socket));
            frames.start(pipeline.context(frames));
        }, () -> { });
        if (start == WebSocketUpgrade.Start.NOT_A_HANDSHAKE) {
            exchange.sendJson(HttpResponseStatus.BAD_REQUEST,
                    "{\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"not a WebSocket handshake\"}}");
        }
    }

    /** Refuses new connections from now on (503): the node is draining. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Closes every connection with 1001 (going away): the server is shutting down. */
    public void closeAll() {
        open.forEach(socket -> socket.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
    }
}
