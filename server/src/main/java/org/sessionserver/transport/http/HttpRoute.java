package org.sessionserver.transport.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A plain HTTP route on the server's port ({@code /health}, {@code /metrics}, ...). Called on the connection's I/O
 * thread: it must answer through {@code exchange} without blocking, or hand the work to another thread.
 */
@FunctionalInterface
public interface HttpRoute {
    void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange);
}
