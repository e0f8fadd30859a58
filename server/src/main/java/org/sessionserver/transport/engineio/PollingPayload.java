package org.sessionserver.transport.engineio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The HTTP long-polling payload of Engine.IO v4: packets joined by {@code \x1e}, a binary message written as
 * {@code b} + base64. A packet is a {@link String} (a text packet with its type digit) or a {@code byte[]}.
 */
final class PollingPayload {
    static final char SEPARATOR = '\u001e';

    private PollingPayload() {
    }

    static String encode(Collection<Object> packets) {
        StringBuilder payload = new StringBuilder();
        for (Object packet : packets) {
            if (payload.length() > 0) {
                payload.append(SEPARATOR);
            }
            if (packet instanceof byte[] binary) {
                payload.append('b').append(Base64.getEncoder().encodeToString(binary));
            } else {
                payload.append((String) packet);
            }
        }
        return payload.toString();
    }

    /** @throws IllegalArgumentException when a binary packet is not base64 */
    static List<Object> decode(String body) {
        List<Object> packets = new ArrayList<>();
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = body.length();
            }
            String packet = body.substring(start, end);
            // Lenient on line breaks: socket.io-client-java wraps its base64 every 76 characters.
            packets.add(packet.startsWith("b") ? Base64.getMimeDecoder().decode(packet.substring(1)) : packet);
            start = end + 1;
        }
        return packets;
    }
}
