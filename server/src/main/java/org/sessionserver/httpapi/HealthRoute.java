package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.BooleanSupplier;
import org.sessionserver.bridge.BusStatus;
import org.sessionserver.bridge.EngineBus;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code GET /health}: 200 {@code "ok"} when the node can serve; 503 {@code "draining"} during shutdown, 503
 * {@code "degraded"} while the bus is down. {@code redis} is {@code "none"} on the embedded in-memory bus.
 */
public final class HealthRoute implements HttpRoute {
    private final String nodeId;
    private final LocalSessions sessions;
    private final EngineBus bus;
    private final BooleanSupplier draining;

    public HealthRoute(String nodeId, LocalSessions sessions, EngineBus bus, BooleanSupplier draining) {
        this.nodeId = nodeId;
        this.sessions = sessions;
        this.bus = bus;
        this.draining = draining;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        BusStatus status = bus.status();
        String state = draining.getAsBoolean() ? "draining" : status.up() ? "ok" : "degraded";
        boolean redis = "redis".equals(status.kind());
        ObjectNode body = Api.ok().objectNode()
                .put("status", state)
                .put("nodeId", nodeId)
                .put("connections", sessions.connections())
                .put("participants", sessions.participants())
                .put("bus", status.kind())
                .put("redis", redis ? (status.up() ? "up" : "down") : "none");
        Api.send(exchange, "ok".equals(state) ? 200 : 503, body);
    }
}
