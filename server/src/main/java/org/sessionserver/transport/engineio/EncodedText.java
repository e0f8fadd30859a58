package org.sessionserver.transport.engineio;

import java.nio.charset.StandardCharsets;
import org.sessionserver.transport.PreparedTextFrame;

/**
 * A text packet (its type digit included) and its UTF-8 bytes, encoded once to be sent as they are to many sessions:
 * a broadcast to ten thousand WebSockets then costs one encoding, not ten thousand; over WebSocket, one frame.
 */
public final class EncodedText {
    private final String packet;
    private final byte[] utf8;
    private volatile PreparedTextFrame webSocketFrame;

    private EncodedText(String packet, byte[] utf8) {
        this.packet = packet;
        this.utf8 = utf8;
    }

    public static EncodedText of(String packet) {
        return new EncodedText(packet, packet.getBytes(StandardCharsets.UTF_8));
    }

    public String packet() {
        return packet;
    }

    public byte[] utf8() {
        return utf8;
    }

    /** The packet as one WebSocket frame, made by the first session that sends it over WebSocket. */
    PreparedTextFrame webSocketFrame() {
        PreparedTextFrame frame = webSocketFrame;
        if (frame == null) {
            frame = new PreparedTextFrame(utf8);
            webSocketFrame = frame; // a race makes it twice, harmlessly
        }
        return frame;
    }
}
