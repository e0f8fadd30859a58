package org.sessionserver.transport.engineio;

/** Engine.IO v4 packet types, by their wire digit. */
public enum EioPacketType {
    OPEN('0'), CLOSE('1'), PING('2'), PONG('3'), MESSAGE('4'), UPGRADE('5'), NOOP('6');

    public final char code;

    EioPacketType(char code) {
        this.code = code;
    }

    /** The type of a text packet, or null when its first character is not a packet type. */
    public static EioPacketType of(CharSequence packet) {
        if (packet.length() == 0) {
            return null;
        }
        int index = packet.charAt(0) - '0';
        return index >= 0 && index < values().length ? values()[index] : null;
    }
}
