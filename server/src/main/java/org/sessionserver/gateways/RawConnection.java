package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;
import org.sessionserver.transport.rawws.RawSocket;

/** A session held over the raw WebSocket endpoint. */
record RawConnection(RawSocket socket, SessionRecord session, RateLimiter rateLimiter) implements Connection {
    /** The transport name in the session record. */
    static final String TRANSPORT = "raw";

    @Override
    public EventExecutor loop() {
        return socket.channel().eventLoop();
    }

    @Override
    public void disconnect() {
        socket.close(RawSocket.DISCONNECTED);
    }

    @Override
    public void deliver(OutboundMessage message) {
        socket.sendPrepared(message.rawWebSocket());
    }

    /** The raw protocol has no server-to-client request: callers pick a Socket.IO connection instead. */
    @Override
    public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("raw WebSocket cannot acknowledge"));
    }
}
