package org.sessionserver.transport.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each HTTP request of a connection to its route (the Engine.IO and raw WebSocket endpoints are routes too): by
 * exact path, or by prefix for keys ending in {@code /*}; anything else is a 404. Messages that are not HTTP requests
 * (WebSocket frames after an upgrade) pass on.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final Map<String, HttpRoute> routes;
    private final CorsPolicy cors;

    public HttpRouter(Map<String, HttpRoute> routes, CorsPolicy cors) {
        this.routes = Map.copyOf(routes);
        this.cors = cors;
    }

    /** The CORS policy every answer applies. */
    public CorsPolicy cors() {
        return cors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            route(ctx, request);
        } catch (RuntimeException e) {
            log.error("request {} {} failed", request.method(), request.uri(), e);
            new HttpExchange(ctx.channel(), false, null, cors).sendJson(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
        } finally {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            new HttpExchange(ctx.channel(), false, null, cors).sendJson(HttpResponseStatus.BAD_REQUEST,
                    "{\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"malformed HTTP request\"}}");
            return;
        }
        HttpExchange exchange = HttpExchange.of(ctx.channel(), request, cors);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path;
        try {
            path = uri.path();
            uri.parameters(); // decoded now, so that a bad escape (%zz) is answered here, not thrown later
        } catch (IllegalArgumentException e) {
            exchange.sendJson(HttpResponseStatus.BAD_REQUEST,
                    "{\"ok\":false,\"error\":{\"code\":\"bad_request\",\"message\":\"malformed URI\"}}");
            return;
        }
        HttpRoute route = routes.get(path);
        if (route == null) {
            route = prefixRoute(path);
        }
        if (route != null) {
            route.handle(request, uri, exchange);
        } else {
            exchange.sendJson(HttpResponseStatus.NOT_FOUND,
                    "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no route " + jsonSafe(path) + "\"}}");
        }
    }

    private HttpRoute prefixRoute(String path) {
        for (Map.Entry<String, HttpRoute> entry : routes.entrySet()) {
            String key = entry.getKey();
            if (key.endsWith("/*") && path.startsWith(key.substring(0, key.length() - 1))) {
                return entry.getValue();
            }
        }
        return null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static String jsonSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9/._~-]", "?");
    }
}
