package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;

/** One client connection on this node, whatever its transport: what routing and the HTTP API need of it. */
public interface Connection {
    SessionRecord session();

    RateLimiter rateLimiter();

    /** The transport in use now; by default the one the session opened with ({@link SessionRecord#transport()}). */
    default String transport() {
        return session().transport();
    }

    /** The event loop that does this connection's I/O: {@link #deliver} called there writes at once. */
    EventExecutor loop();

    /**
     * Closes the connection from the server side for good (the engine's disconnect routes): the client is told not to
     * reconnect by itself. Never blocks, may be called from any thread.
     *
     * @return false when it was closed or closing already (so it is not counted twice)
     */
    boolean disconnect();

    /** Sends an engine message; never blocks, may be called from any thread. */
    void deliver(OutboundMessage message);

    /**
     * What this connection holds sent and not yet taken by its client (the routing backlog counts it); may be read
     * from any thread. 0 for a connection that holds nothing of its own.
     */
    default long unsentBytes() {
        return 0;
    }

    /**
     * Emits {@code event} with {@code data} and waits for the client's acknowledgement: completes with its value, or
     * fails with a {@link java.util.concurrent.TimeoutException}, or with an
     * {@link UnsupportedOperationException} when the transport cannot acknowledge.
     */
    CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout);
}
