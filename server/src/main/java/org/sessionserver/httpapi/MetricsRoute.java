package org.sessionserver.httpapi;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/** {@code GET /metrics}: the Prometheus text format. */
public final class MetricsRoute implements HttpRoute {
    /** Where it is served (scrape configs and liveness probes point here). */
    public static final String PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    public MetricsRoute(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        exchange.send(HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.scrape());
    }
}
