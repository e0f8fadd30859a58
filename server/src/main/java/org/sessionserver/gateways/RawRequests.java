package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's requests to one raw connection that await its {@code response} frame, by {@code request_id}: the
 * raw protocol's counterpart of a Socket.IO ack. Thread-safe.
 */
final class RawRequests {
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();

    /**
     * A new request id and the answer it waits for: the response's payload, or a
     * {@link java.util.concurrent.TimeoutException} after {@code timeout}.
     */
    Waiting start(Duration timeout) {
        String id = "srv-" + ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, failure) -> waiting.remove(id));
        return new Waiting(id, answer);
    }

    record Waiting(String requestId, CompletableFuture<JsonNode> answer) {
    }

    /** The client answered; false when no request of that id is waiting (answered already, timed out, unknown). */
    boolean answer(String requestId, JsonNode payload) {
        CompletableFuture<JsonNode> answer = waiting.remove(requestId);
        return answer != null && answer.complete(payload);
    }

    /** The connection closed: nothing will answer. */
    void cancelAll() {
        waiting.values().forEach(answer -> answer.completeExceptionally(
                new CancellationException("the connection closed before answering")));
    }
}
