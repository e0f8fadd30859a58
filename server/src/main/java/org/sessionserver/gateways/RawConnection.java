package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.FrameTime;
import org.sessionserver.sessions.OutboundMessage;
import org.sessionserver.sessions.RawFrames;
import org.sessionserver.transport.rawws.RawSocket;

/**
 * A session held over the raw WebSocket endpoint. What the client said of itself in its {@code hello} is in
 * {@link #session()}: {@link SessionRecord#clientSessionId()} and {@link SessionRecord#clientMeta()}.
 *
 * @param requests the server's requests that await this client's {@code response}
 * @param time     the form of the {@code ts} the server stamps on its frames: the client's, from its hello
 */
record RawConnection(RawSocket socket, SessionRecord session, RateLimiter rateLimiter, RawRequests requests,
                     FrameTime time) implements Connection {
    /** The transport name in the session record. */
    static final String TRANSPORT = "raw";

    @Override
    public EventExecutor loop() {
        return socket.channel().eventLoop();
    }

    @Override
    public boolean disconnect() {
        return socket.close(RawSocket.DISCONNECTED);
    }

    @Override
    public void deliver(OutboundMessage message) {
        socket.sendPrepared(message.rawWebSocket());
    }

    @Override
    public long unsentBytes() {
        return socket.unsentBytes();
    }

    /**
     * Sends {@code {"type":"request","request_id","payload":{"event","data"}}}; the client answers with
     * {@code {"type":"response","request_id","payload":<value>}}.
     */
    @Override
    public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
        RawRequests.Waiting waiting = requests.start(timeout);
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("event", event);
        payload.set("data", data);
        socket.sendText(RawFrames.frame(RawFrames.REQUEST, TextNode.valueOf(waiting.requestId()), payload, time));
        return waiting.answer();
    }
}
