package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.BooleanSupplier;
import org.sessionserver.bus.BusStatus;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code GET /health}: 200 {@code "ok"} when the node can serve; 503 {@code "draining"} during shutdown, 503
 * {@code "degraded"} while the bus is down or refuses writes, with the {@code reason}. {@code redis} is {@code "none"}
 * on the embedded in-memory bus; {@code deployment} says which Redis ({@code standalone}, {@code sentinel},
 * {@code cluster}) or {@code memory}.
 * {@code engine} says what reads the events; with {@code discard} nothing does, and a {@code warning} says so.
 */
public final class HealthRoute implements HttpRoute {
    /** Where it is served (deployment files point readiness probes here). */
    public static final String PATH = "/health";
    static final String DISCARD_WARNING = "ENGINE=discard: events are acknowledged and dropped, no engine reads them";

    private final String nodeId;
    private final String engine;
    private final LocalSessions sessions;
    private final EngineBus bus;
    private final BooleanSupplier draining;

    public HealthRoute(String nodeId, String engine, LocalSessions sessions, EngineBus bus, BooleanSupplier draining) {
        this.nodeId = nodeId;
        this.engine = engine;
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
                .put("redis", redis ? (status.up() ? "up" : "down") : "none")
                .put("deployment", status.deployment())
                .put("engine", engine);
        if (status.reason() != null) {
            body.put("reason", status.reason());
        }
        if ("discard".equals(engine)) {
            body.put("warning", DISCARD_WARNING);
        }
        Api.send(exchange, "ok".equals(state) ? 200 : 503, body);
    }
}
