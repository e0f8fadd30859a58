package org.sessionserver.transport.engineio;

import java.nio.charset.StandardCharsets;

/**
 * A text packet (its type digit included) and its UTF-8 bytes, encoded once to be sent as they are to many sessions:
 * a broadcast to ten thousand WebSockets then costs one encoding, not ten thousand.
 */
public record EncodedText(String packet, byte[] utf8) {
    public static EncodedText of(String packet) {
        return new EncodedText(packet, packet.getBytes(StandardCharsets.UTF_8));
    }
}
