package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/** {@code GET /connections} with the engine key: every session in the cluster. */
public final class ConnectionsRoute implements HttpRoute {
    private final EngineKeyGuard guard;
    private final SessionDirectory directory;

    ConnectionsRoute(EngineKeyGuard guard, SessionDirectory directory) {
        this.guard = guard;
        this.directory = directory;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.GET) || !guard.admits(request, exchange)) {
            return;
        }
        directory.all().whenComplete((sessions, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
                return;
            }
            ObjectNode body = Api.ok().put("count", sessions.size());
            ArrayNode list = body.putArray("connections");
            sessions.forEach(session -> describe(list.addObject(), session));
            Api.send(exchange, 200, body);
        });
    }

    /**
     * A session as the engine routes list it; with {@code clientSessionId} and {@code clientMeta} when its client
     * gave them in its raw {@code hello}.
     */
    static void describe(ObjectNode node, SessionRecord session) {
        node.put("participantId", session.participantId())
                .put("sessionId", session.sessionId())
                .put("channelId", session.channelId())
                .put("nodeId", session.nodeId())
                .put("proxy", session.proxy())
                .put("transport", session.transport())
                .put("connectedAt", session.connectedAt());
        if (session.clientSessionId() != null) {
            node.put("clientSessionId", session.clientSessionId());
        }
        if (session.clientMeta() != null) {
            node.set("clientMeta", session.clientMeta());
        }
    }
}
