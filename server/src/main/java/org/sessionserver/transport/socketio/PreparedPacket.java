package org.sessionserver.transport.socketio;

import java.util.List;
import org.sessionserver.transport.engineio.EioPacketType;
import org.sessionserver.transport.engineio.EncodedText;

/**
 * A packet encoded once, down to the UTF-8 bytes of its Engine.IO packets, for sending as it is to many sockets of
 * one namespace (a broadcast costs one encoding, not one per connection).
 */
public final class PreparedPacket {
    private final String namespace;
    private final List<Object> enginePackets;

    private PreparedPacket(String namespace, List<Object> enginePackets) {
        this.namespace = namespace;
        this.enginePackets = enginePackets;
    }

    /**
     * An EVENT whose single argument is {@code rawJson}, copied verbatim: the receiver gets those exact bytes.
     * {@code rawJson} must be one valid JSON value (the caller has parsed it).
     */
    public static PreparedPacket eventWithRawJson(String namespace, String event, String rawJson) {
        StringBuilder text = new StringBuilder(rawJson.length() + event.length() + 16)
                .append(EioPacketType.MESSAGE.code).append(SioPacketType.EVENT.code());
        if (!SioPacket.MAIN_NAMESPACE.equals(namespace)) {
            text.append(namespace).append(',');
        }
        text.append("[\"").append(event).append("\",").append(rawJson).append(']');
        return new PreparedPacket(namespace, List.of(EncodedText.of(text.toString())));
    }

    /**
     * The same event with a recovery offset as its last argument, as socket.io sends it to connections that can
     * recover: socket.io-client keeps the last string argument of each event as its offset.
     */
    public static PreparedPacket eventWithRawJsonAndOffset(String namespace, String event, String rawJson,
                                                           String offset) {
        String withoutOffset = ((EncodedText) eventWithRawJson(namespace, event, rawJson).enginePackets.get(0)).packet();
        String text = withoutOffset.substring(0, withoutOffset.length() - 1) + ",\"" + offset + "\"]";
        return new PreparedPacket(namespace, List.of(EncodedText.of(text)));
    }

    String namespace() {
        return namespace;
    }

    List<Object> enginePackets() {
        return enginePackets;
    }
}
