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

    /** About what one delivery writes: the length of the engine's JSON (chars; the framing adds a few bytes). */
    public int size() {
        return message.json().length();
    }

    /**
     * {@code {"type":"message","payload":<the engine's JSON, verbatim>}}, the raw WebSocket frame; for a named push
     * {@code {"type":name,"request_id"?,"payload":<its data>}}.
     */
    public PreparedTextFrame rawWebSocket() {
        PreparedTextFrame frame = rawWebSocket;
        if (frame == null) {
            Message.NamedPush push = message.push();
            frame = new PreparedTextFrame(push == null ? RawFrames.message(message.json())
                    : RawFrames.push(push.name(), push.requestIdJson(), push.dataJson()));
            rawWebSocket = frame;
        }
        return frame;
    }

    /** {@code 42["message",<the engine's JSON, verbatim>]}; for a named push {@code 42[name,<its data>]}. */
    public PreparedPacket socketIo() {
        PreparedPacket packet = socketIo;
        if (packet == null) {
            packet = PreparedPacket.eventWithRawJson("/", socketIoEvent(message), socketIoArgument(message));
            socketIo = packet;
        }
        return packet;
    }

    /** The Socket.IO event that carries the message: {@value #EVENT}, or a named push's name. */
    static String socketIoEvent(Message message) {
        return message.push() == null ? EVENT : message.push().name();
    }

    /** The JSON of that event's argument: the whole message, or a named push's data. */
    static String socketIoArgument(Message message) {
        return message.push() == null ? message.json() : message.push().dataJson();
    }
}
