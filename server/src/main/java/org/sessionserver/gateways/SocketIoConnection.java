package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;
import org.sessionserver.sessions.RecoveryBook;
import org.sessionserver.transport.socketio.SioSocket;

/**
 * A session held over Socket.IO (namespace {@code /}).
 *
 * @param recovery its recoverable log when the client opted in to connection state recovery, else null
 */
record SocketIoConnection(SioSocket socket, SessionRecord session, RateLimiter rateLimiter,
                          RecoveryBook.Entry recovery) implements Connection {
    @Override
    public EventExecutor loop() {
        return socket.eio().loop();
    }

    /** Polling until the client upgraded, then WebSocket (the session record keeps the first). */
    @Override
    public String transport() {
        return socket.eio().transport().wireName;
    }

    /** A DISCONNECT packet: socket.io-client reports "io server disconnect" and does not reconnect by itself. */
    @Override
    public boolean disconnect() {
        return socket.disconnect(true);
    }

    /** Recoverable sessions get each message with its offset; the others the packet shared by all. */
    @Override
    public void deliver(OutboundMessage message) {
        if (recovery != null) {
            recovery.deliver(message);
        } else {
            socket.sendPrepared(message.socketIo());
        }
    }

    @Override
    public long unsentBytes() {
        return socket.eio().unsentBytes();
    }

    /** The client's ack value: its only argument, null for none, the array for several. */
    @Override
    public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
        return socket.request(event, timeout, data).thenApply(args -> switch (args.size()) {
            case 0 -> NullNode.instance;
            case 1 -> args.get(0);
            default -> args;
        });
    }
}
