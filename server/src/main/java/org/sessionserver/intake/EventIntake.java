package org.sessionserver.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.metrics.ServerMetrics;

/**
 * Where client events enter, whatever their transport (Socket.IO, raw WebSocket, HTTP): rate limit, the Event
 * rules, then the engine bus. An event is acknowledged only once the bus holds it; a refused one never reaches the
 * bus. Never blocks: safe on an I/O thread.
 */
public final class EventIntake {
    /** The client event that carries an Event (Socket.IO event name, raw frame type). */
    public static final String MESSAGE = "message";

    private final EventValidator validator;
    private final EngineBus bus;
    private final ServerMetrics metrics;
    private volatile boolean accepting = true;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Consumer<EventEnvelope> onAccepted = envelope -> { };

    public EventIntake(EventValidator validator, EngineBus bus, ServerMetrics metrics) {
        this.validator = validator;
        this.bus = bus;
        this.metrics = metrics;
    }

    /** Tells {@code listener} of each event the bus took from now on (the admin UI's event view); must not block. */
    public void onAccepted(Consumer<EventEnvelope> listener) {
        this.onAccepted = listener;
    }

    /** Stops taking events (drain): later submissions are refused as {@code unavailable}. */
    public void stopAccepting() {
        accepting = false;
    }

    /** Waits until every event already taken has its answer from the bus, or the time is up; true when idle. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        return inFlight.get() == 0;
    }

    /**
     * @param limiter the sender's rate limit, or null for none
     * @return a stage completing with the event id once the bus holds the event, or failing with a {@link Refusal}
     */
    public CompletionStage<String> submit(SessionRecord sender, JsonNode event, RateLimiter limiter) {
        long start = System.nanoTime();
        try {
            if (limiter != null && !limiter.tryAcquire()) {
                throw new Refusal(ErrorCode.RATE_LIMITED, "too many events, slow down");
            }
            validator.check(event, sender.participantId());
            if (!accepting || !bus.status().up()) {
                throw new Refusal(ErrorCode.UNAVAILABLE, "the engine bus is unavailable, retry later");
            }
        } catch (Refusal refusal) {
            metrics.eventRefused(refusal.code());
            return CompletableFuture.failedFuture(refusal);
        }
        String id = event.get("id").textValue();
        EventEnvelope envelope = new EventEnvelope(event, sender.participantId(), sender.sessionId(),
                sender.channelId(), sender.nodeId(), Instant.now().toString());
        return publish(envelope, start).thenApply(published -> id);
    }

    /**
     * A client event of another name ({@code CLIENT_EVENTS}, checked by the caller): any JSON payload within the size
     * limit, rate limited like a {@code message}.
     *
     * @param requestId a raw frame's {@code request_id}, passed to the engine; null for none
     * @return a stage completing once the bus holds the event, or failing with a {@link Refusal}
     */
    public CompletionStage<Void> submitNamed(SessionRecord sender, String name, JsonNode payload, JsonNode requestId,
                                             RateLimiter limiter) {
        long start = System.nanoTime();
        try {
            if (limiter != null && !limiter.tryAcquire()) {
                throw new Refusal(ErrorCode.RATE_LIMITED, "too many events, slow down");
            }
            validator.checkPayload(payload);
            if (!accepting || !bus.status().up()) {
                throw new Refusal(ErrorCode.UNAVAILABLE, "the engine bus is unavailable, retry later");
            }
        } catch (Refusal refusal) {
            metrics.eventRefused(refusal.code());
            return CompletableFuture.failedFuture(refusal);
        }
        return publish(EventEnvelope.named(name, payload, requestId, sender.participantId(), sender.sessionId(),
                sender.channelId(), sender.nodeId(), Instant.now().toString()), start);
    }

    /** Hands the envelope to the bus: completes once the bus holds it, or fails with a {@link Refusal}. */
    private CompletionStage<Void> publish(EventEnvelope envelope, long start) {
        CompletionStage<Void> published;
        inFlight.incrementAndGet();
        try {
            published = bus.publishEvent(envelope);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        return published.handle((ok, failure) -> {
            inFlight.decrementAndGet();
            if (failure != null) {
                Refusal refusal = Refusal.of(failure);
                metrics.eventRefused(refusal.code());
                throw refusal;
            }
            metrics.eventAccepted(start);
            onAccepted.accept(envelope);
            return null;
        });
    }
}
