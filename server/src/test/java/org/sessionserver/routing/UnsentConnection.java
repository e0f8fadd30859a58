package org.sessionserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;

/** A connection whose unsent bytes a test sets: a client that stops reading, then reads again. */
final class UnsentConnection implements Connection {
    volatile long unsent;

    @Override
    public long unsentBytes() {
        return unsent;
    }

    @Override
    public SessionRecord session() {
        return new SessionRecord("p", "s-" + System.identityHashCode(this), "c", "n1", false, "websocket", "t");
    }

    @Override
    public RateLimiter rateLimiter() {
        return null;
    }

    @Override
    public EventExecutor loop() {
        return ImmediateEventExecutor.INSTANCE;
    }

    @Override
    public boolean disconnect() {
        return false;
    }

    @Override
    public void deliver(OutboundMessage message) {
    }

    @Override
    public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
        throw new UnsupportedOperationException();
    }
}
