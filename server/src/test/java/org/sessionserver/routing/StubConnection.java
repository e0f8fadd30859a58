package org.sessionserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;

/** A connection with no transport, whose loop runs tasks at once: what routing tests need, and nothing else. */
abstract class StubConnection implements Connection {
    private final SessionRecord session;

    StubConnection(String participant, String session, boolean proxy) {
        this.session = new SessionRecord(participant, session, "c-" + session, "n1", proxy, "websocket", "t");
    }

    @Override
    public SessionRecord session() {
        return session;
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
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
        throw new UnsupportedOperationException();
    }
}
