package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * The rate limit applies per participant. With {@code ?wait=<ms>} the request waits for the engine's answer
 * ({@link EventWait}).
 */
public final class EventRoute implements HttpRoute {
    /** Bounds the per-participant limiters kept between requests. */
    private static final int MAX_LIMITERS = 100_000;

    private final Authenticator authenticator;
    private final EventIntake intake;
    private final SessionSettings settings;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    private final EventWait waits;

    public EventRoute(Authenticator authenticator, EventIntake intake, SessionSettings settings, EventWait waits) {
        this.authenticator = authenticator;
        this.intake = intake;
        this.settings = settings;
        this.waits = waits;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.POST)) {
            return;
        }
        long waitMs = waitMs(uri);
        if (waitMs < 0) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "wait must be a number of milliseconds, 1 to "
                    + EventWait.MAX_WAIT_MS);
            return;
        }
        boolean stream = String.valueOf(request.headers().get(HttpHeaderNames.ACCEPT)).contains("text/event-stream");
        CompletableFuture<String> decided = authenticator.authenticateAsync(Api.bearer(request)).toCompletableFuture();
        if (decided.isCompletedExceptionally()) {
            Api.fail(exchange, ErrorCode.UNAUTHORIZED, "unauthorized"); // refused at once: the body is never read
            return;
        }
        // Read now, while the request is ours: a JWKS fetch may decide the token later, on its own thread.
        Body body = Body.of(request);
        decided.whenComplete((participantId, failure) -> {
            if (failure != null) {
                Api.fail(exchange, ErrorCode.UNAUTHORIZED, "unauthorized");
            } else if (body.refusal() != null) {
                Api.fail(exchange, ErrorCode.INVALID_EVENT, body.refusal().getMessage());
            } else if (waitMs > 0) {
                waits.start(participantId, body.event(), limiter(participantId), waitMs, stream, exchange);
            } else {
                submit(participantId, body.event(), exchange);
            }
        });
    }

    /** {@code ?wait=<ms>}: 0 without one, -1 when it is not a number in range. */
    private static long waitMs(QueryStringDecoder uri) {
        List<String> wait = uri.parameters().get("wait");
        if (wait == null || wait.isEmpty()) {
            return 0;
        }
        try {
            long ms = Long.parseLong(wait.get(0));
            return ms >= 1 && ms <= EventWait.MAX_WAIT_MS ? ms : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The request's body: its JSON, or why it has none. */
    private record Body(JsonNode event, Refusal refusal) {
        static Body of(FullHttpRequest request) {
            try {
                return new Body(Api.json(request), null);
            } catch (Refusal refusal) {
                return new Body(null, refusal);
            }
        }
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
