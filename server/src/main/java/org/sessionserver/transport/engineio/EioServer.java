package org.sessionserver.transport.engineio;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.heartbeat.Heartbeats;
import org.sessionserver.transport.http.HandshakeRequest;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;
import org.sessionserver.transport.http.WebSocketUpgrade;

/**
 * The Engine.IO v4 endpoint: validates each request of the endpoint path, opens sessions (polling or WebSocket),
 * routes polls, posts and upgrades to their session, and answers everything else with the protocol's HTTP 400s.
 *
 * <p>This replaces netty-socketio's {@code AuthorizeHandler}, {@code PollingTransport} and
 * {@code WebSocketTransport}, whose 2.0.14 versions fall back to Engine.IO v3 on a missing or bad {@code EIO},
 * open a session on a POST without sid, answer a dead sid with 500, keep serving polls after an upgrade, let a
 * second WebSocket take a session over, do not enforce the ping timeout on polling, omit {@code maxPayload} from the
 * handshake, and drop a connection on a frame over 64 KiB.
 */
public final class EioServer implements HttpRoute {
    /** Not one of Engine.IO's 400s: a client should retry, elsewhere or later. */
    private static final String SHUTTING_DOWN = "{\"code\":3,\"message\":\"Server is shutting down\"}";

    private final EioOptions options;
    private final Heartbeats heartbeats;
    private final Consumer<EioSocket> onOpen;
    private final ConcurrentHashMap<String, EioSocket> sessions = new ConcurrentHashMap<>();
    private volatile boolean opening = true;

    /**
     * @param onOpen called on the session's loop for each new session, before any of its packets is read; it must
     *               give the session a listener ({@link #listen}).
     */
    public EioServer(EioOptions options, Consumer<EioSocket> onOpen) {
        this.options = options;
        this.heartbeats = new Heartbeats(options.pingIntervalMs(), options.pingTimeoutMs());
        this.onOpen = onOpen;
    }

    public EioOptions options() {
        return options;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    public static void listen(EioSocket socket, EioSocketListener listener) {
        socket.listen(listener);
    }

    public Collection<EioSocket> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /** The paths this endpoint serves, to route to it: its path, with and without the trailing slash. */
    public List<String> paths() {
        String path = options.path();
        return List.of(path, path.substring(0, path.length() - 1));
    }

    /** Handles one request of the endpoint on its I/O thread; the request is released by the caller. */
    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!options.cors().allows(exchange.origin())) {
            exchange.sendJson(HttpResponseStatus.FORBIDDEN, EioError.FORBIDDEN.json());
            return;
        }
        if (request.method().equals(HttpMethod.OPTIONS)) {
            answerPreflight(exchange, request);
            return;
        }
        if (!"4".equals(first(uri, "EIO"))) {
            reject(exchange, EioError.UNSUPPORTED_PROTOCOL_VERSION);
            return;
        }
        EioTransport transport = EioTransport.of(first(uri, "transport"));
        if (transport == null) {
            reject(exchange, EioError.UNKNOWN_TRANSPORT);
            return;
        }
        String sid = first(uri, "sid");
        EioSocket session = sid == null ? null : sessions.get(sid);
        if (sid != null && session == null) {
            reject(exchange, EioError.UNKNOWN_SID);
            return;
        }
        if (session == null && !opening) {
            exchange.sendJson(HttpResponseStatus.SERVICE_UNAVAILABLE, SHUTTING_DOWN);
            return;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
        if (upgrade != (transport == EioTransport.WEBSOCKET)) {
            reject(exchange, EioError.BAD_REQUEST);
        } else if (upgrade) {
            handleWebSocket(request, uri, exchange, session);
        } else if (session == null) {
            if (request.method().equals(HttpMethod.GET)) {
                openPolling(exchange.channel(), request, uri, exchange);
            } else {
                reject(exchange, EioError.BAD_HANDSHAKE_METHOD);
            }
        } else if (request.method().equals(HttpMethod.GET)) {
            session.loop().execute(() -> session.onPoll(exchange));
        } else if (request.method().equals(HttpMethod.POST)) {
            String body = request.content().toString(StandardCharsets.UTF_8);
            session.loop().execute(() -> session.onPost(exchange, body));
        } else {
            reject(exchange, EioError.BAD_REQUEST);
        }
    }

    /** Refuses new sessions from now on (503): the node is draining; existing sessions go on. */
    public void stopOpening() {
        opening = false;
    }

    /** Closes every session (server shutdown). */
    public void closeAll(String reason) {
        sessions.values().forEach(session -> session.close(reason));
    }

    void reject(HttpExchange exchange, EioError error) {
        exchange.sendJson(error == EioError.FORBIDDEN ? HttpResponseStatus.FORBIDDEN
                : HttpResponseStatus.BAD_REQUEST, error.json());
    }

    void remove(EioSocket session) {
        sessions.remove(session.sid(), session);
    }

    private void openPolling(Channel channel, FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        EioSocket session = register(channel, request, uri, EioTransport.POLLING);
        session.loop().execute(() -> {
            onOpen.accept(session);
            session.open(null, null);
            exchange.send(HttpResponseStatus.OK, HttpExchange.TEXT, openPacket(session, true));
        });
    }

    private void handleWebSocket(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange,
                                 EioSocket existing) {
        Channel channel = exchange.channel();
        EioSocket session = existing != null ? existing : register(channel, request, uri, EioTransport.WEBSOCKET);
        boolean upgrading = existing != null && existing.upgrade().claim(channel);
        Runnable forget = () -> {
            if (existing == null) {
                remove(session);
            } else if (upgrading) {
                existing.upgrade().release(channel);
            }
        };
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(options.maxPayload())
                .allowExtensions(false)
                .build();
        WebSocketUpgrade.Start start = WebSocketUpgrade.start(request, channel, decoder, pipeline -> {
            pipeline.addLast(new WebSocketFrameAggregator(options.maxPayload()));
            pipeline.addLast(new WebSocketFrameHandler(session));
            SessionLoops.move(channel, session.loop(), () -> {
                if (!channel.isActive()) {
                    forget.run(); // closed before its handlers were in place (a bad first frame): nobody else will
                    return;
                }
                if (existing != null) {
                    if (upgrading && session.canUpgrade(channel)) {
                        session.upgrade().begin(channel);
                    } else {
                        // Already upgraded or upgrading: engine.io accepts the WebSocket, then closes it.
                        forget.run();
                        channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
                    }
                } else {
                    onOpen.accept(session);
                    session.open(openPacket(session, false), channel);
                }
            });
        }, forget);
        if (start != WebSocketUpgrade.Start.STARTED) {
            forget.run();
            if (start == WebSocketUpgrade.Start.NOT_A_HANDSHAKE) {
                reject(exchange, EioError.BAD_REQUEST);
            }
        }
    }


    private EioSocket register(Channel channel, FullHttpRequest request, QueryStringDecoder uri,
                                  EioTransport transport) {
        HttpHeaders headers = new DefaultHttpHeaders().add(request.headers());
        HandshakeRequest handshake = new HandshakeRequest(uri.parameters(), headers, channel.remoteAddress());
        EioSocket session = new EioSocket(RandomIds.next(), channel.eventLoop(), this, handshake, transport);
        sessions.put(session.sid(), session);
        return session;
    }

    private String openPacket(EioSocket session, boolean upgradable) {
        return EioPacketType.OPEN.code + "{\"sid\":\"" + session.sid() + "\",\"upgrades\":"
                + (upgradable ? "[\"websocket\"]" : "[]") + ",\"pingInterval\":" + options.pingIntervalMs()
                + ",\"pingTimeout\":" + options.pingTimeoutMs() + ",\"maxPayload\":" + options.maxPayload() + "}";
    }

    private void answerPreflight(HttpExchange exchange, FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
        String requested = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null) {
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        exchange.send(response);
    }

    private static String first(QueryStringDecoder uri, String name) {
        var values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
