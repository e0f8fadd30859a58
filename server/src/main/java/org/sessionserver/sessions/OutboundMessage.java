package org.sessionserver.sessions;

import org.sessionserver.bus.Message;
import org.sessionserver.transport.PreparedTextFrame;
import org.sessionserver.transport.socketio.PreparedPacket;

/**
 * An engine message on its way to this node's connections, encoded at most once per wire format however many
 * connections receive it.
 */
public final class OutboundMessage {
    /** The Socket.IO event that carries messages. */
    public static final String EVENT = "message";

    private final Message message;
    private volatile PreparedPacket socketIo;
    private volatile PreparedTextFrame rawWebSocket;

    public OutboundMessage(Message message) {
        this.message = message;
    }

    public Message message() {
        return message;
    }

    /** {@code {"type":"message","payload":<the engine's JSON, verbatim>}}, the raw WebSocket frame. */
    public PreparedTextFrame rawWebSocket() {
        PreparedTextFrame frame = rawWebSocket;
        if (frame == null) {
            frame = new PreparedTextFrame(RawFrames.message(message.json()));
            rawWebSocket = frame;
        }
        return frame;
    }

    /** {@code 42["message",<the engine's JSON, verbatim>]}. */
    public PreparedPacket socketIo() {
        PreparedPacket packet = socketIo;
        if (packet == null) {
            packet = PreparedPacket.eventWithRawJson("/", EVENT, message.json());
            socketIo = packet;
        }
        return packet;
    }
}
