package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.SessionSettings;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code POST /event} with {@code Authorization: Bearer <token>}: an Event from a participant without a connection,
 * under the same rules; 202 once the bus holds it. The envelope's sessionId and channelId are {@code http:<uuid>}.
 * The rate limit applies per participant.
 */
public final class EventRoute implements HttpRoute {
    /** Bounds the per-participant limiters kept between requests. */
    private static final int MAX_LIMITERS = 100_000;

    private final Authenticator authenticator;
    private final EventIntake intake;
    private final SessionSettings settings;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public EventRoute(Authenticator authenticator, EventIntake intake, SessionSettings settings) {
        this.authenticator = authenticator;
        this.intake = intake;
        this.settings = settings;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.POST)) {
            return;
        }
        // The body is read now, while the request is ours; it is judged only once the token was (401 comes first).
        JsonNode body = null;
        Refusal refusal = null;
        try {
            body = Api.json(request);
        } catch (Refusal bad) {
            refusal = bad;
        }
        JsonNode event = body;
        Refusal badBody = refusal;
        // Usually decided at once; when a JWKS key must first be fetched, answered from the fetch's thread.
        authenticator.authenticateAsync(Api.bearer(request)).whenComplete((participantId, failure) -> {
            if (failure != null) {
                Api.fail(exchange, ErrorCode.UNAUTHORIZED, "unauthorized");
            } else if (badBody != null) {
                Api.fail(exchange, ErrorCode.INVALID_EVENT, badBody.getMessage());
            } else {
                submit(participantId, event, exchange);
            }
        });
    }

    private void submit(String participantId, JsonNode event, HttpExchange exchange) {
        String channel = "http:" + RandomIds.next();
        SessionRecord sender = new SessionRecord(participantId, channel, channel, settings.nodeId(), false, "http",
                Instant.now().toString());
        intake.submit(sender, event, limiter(participantId)).whenComplete((id, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else {
                Api.send(exchange, 202, Api.ok().put("id", id));
            }
        });
    }

    private RateLimiter limiter(String participantId) {
        if (limiters.size() > MAX_LIMITERS) {
            limiters.clear();
        }
        return limiters.computeIfAbsent(participantId,
                id -> new RateLimiter(settings.rateLimitPerSec(), settings.rateLimitBurst()));
    }
}
