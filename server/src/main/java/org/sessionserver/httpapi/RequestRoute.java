package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.routing.ClusterRequests;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code POST /participants/{id}/request} with the engine key, body
 * {@code {"sessionId"?, "event", "data"?, "timeoutMs"?}}: asks one connection of the participant (that session, when
 * named, else the newest), on whichever node it is: a Socket.IO client gets the event with an ack callback, a raw
 * one a {@code request} frame it answers with {@code response}; answers 200
 * {@code {"ok":true,"sessionId","data":<ack value>}};
 * 404 when not connected, 504 when the client does not answer in time.
 */
public final class RequestRoute implements HttpRoute {
    private static final String PREFIX = ParticipantRoute.PREFIX;
    private static final String SUFFIX = "/request";
    static final long DEFAULT_TIMEOUT_MS = 10_000;
    static final long MAX_TIMEOUT_MS = 120_000;
    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener", "message", "session", "error");

    /**
     * Without a sessionId, the newest connection is asked: an older one may be a device that went away without
     * closing (python-socketio's polling disconnect) and would only time out.
     */
    private static final Comparator<SessionRecord> NEWEST_FIRST =
            Comparator.comparing(session -> Instant.parse(session.connectedAt()));

    private final EngineKeyGuard guard;
    private final LocalSessions sessions;
    private final SessionDirectory directory;
    private final ClusterRequests requests;

    RequestRoute(EngineKeyGuard guard, LocalSessions sessions, SessionDirectory directory, ClusterRequests requests) {
        this.guard = guard;
        this.sessions = sessions;
        this.directory = directory;
        this.requests = requests;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        String path = uri.path();
        if (!path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
            Api.fail(exchange, ErrorCode.NOT_FOUND, "use POST /participants/{id}/request");
            return;
        }
        if (!Api.requireMethod(request, exchange, HttpMethod.POST) || !guard.admits(request, exchange)) {
            return;
        }
        String participantId = QueryStringDecoder.decodeComponent(
                path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
        JsonNode body;
        try {
            body = Api.json(request);
        } catch (Refusal refusal) {
            Api.fail(exchange, refusal.code(), refusal.getMessage());
            return;
        }
        String event = body.path("event").asText("");
        if (event.isEmpty() || event.length() > 256 || RESERVED.contains(event)) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "event must be a non-empty name that is not reserved");
            return;
        }
        long timeoutMs = body.path("timeoutMs").asLong(DEFAULT_TIMEOUT_MS);
        if (timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "timeoutMs must be between 1 and " + MAX_TIMEOUT_MS);
            return;
        }
        String sessionId = body.path("sessionId").isTextual() ? body.get("sessionId").textValue() : null;
        JsonNode data = body.has("data") ? body.get("data") : NullNode.instance;
        Connection here = pickLocal(participantId, sessionId);
        if (here != null) {
            ask(exchange, here.session(), event, data, timeoutMs);
            return;
        }
        directory.ofParticipant(participantId).whenComplete((found, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
                return;
            }
            SessionRecord target = found.stream()
                    .filter(session -> sessionId == null || session.sessionId().equals(sessionId))
                    .max(NEWEST_FIRST).orElse(null);
            if (target == null) {
                Api.fail(exchange, ErrorCode.NOT_FOUND, sessionId == null
                        ? "participant " + participantId + " is not connected"
                        : "session " + sessionId + " of participant " + participantId + " is not connected");
            } else {
                ask(exchange, target, event, data, timeoutMs);
            }
        });
    }

    private void ask(HttpExchange exchange, SessionRecord target, String event, JsonNode data, long timeoutMs) {
        requests.request(target, event, data, Duration.ofMillis(timeoutMs)).whenComplete((ack, failure) -> {
            if (failure == null) {
                Api.send(exchange, 200, Api.ok().put("sessionId", target.sessionId()).set("data", ack));
                return;
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                Api.fail(exchange, ErrorCode.TIMEOUT, "no answer within " + timeoutMs + " ms");
            } else if (cause instanceof CancellationException) {
                Api.fail(exchange, ErrorCode.NOT_FOUND, "the session disconnected before answering");
            } else {
                Api.fail(exchange, cause);
            }
        });
    }

    private Connection pickLocal(String participantId, String sessionId) {
        if (sessionId != null) {
            Connection connection = sessions.get(sessionId);
            return connection != null && connection.session().participantId().equals(participantId) ? connection : null;
        }
        return sessions.ofParticipant(participantId).stream()
                .max(Comparator.comparing(Connection::session, NEWEST_FIRST)).orElse(null);
    }
}
