package org.sessionserver.httpapi;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code DELETE /sessions/{sessionId}} with the engine key: closes that session wherever it is connected (Socket.IO:
 * a DISCONNECT packet, raw: close 4403), {@code {"ok":true,"closed":1}}; 404 when no live node holds it.
 */
final class SessionsRoute implements HttpRoute {
    static final String PREFIX = "/sessions/";

    private final EngineKeyGuard guard;
    private final SessionReads sessions;
    private final ClusterDisconnects disconnects;

    SessionsRoute(EngineKeyGuard guard, SessionReads sessions, ClusterDisconnects disconnects) {
        this.guard = guard;
        this.sessions = sessions;
        this.disconnects = disconnects;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.DELETE) || !guard.admits(request, exchange)) {
            return;
        }
        String sessionId = QueryStringDecoder.decodeComponent(uri.path().substring(PREFIX.length()));
        sessions.all().thenCompose(all -> {
            List<SessionRecord> found = all.stream().filter(s -> s.sessionId().equals(sessionId)).toList();
            return disconnects.disconnect(found);
        }).whenComplete((closed, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else if (closed == 0) {
                Api.fail(exchange, ErrorCode.NOT_FOUND, "no session " + sessionId + " is connected");
            } else {
                Api.send(exchange, 200, Api.ok().put("closed", closed));
            }
        });
    }
}
