package org.sessionserver.transport.socketio;

/** Socket.IO v5 packet types, by their wire digit. */
public enum SioPacketType {
    CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

    public char code() {
        return (char) ('0' + ordinal());
    }

    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }

    static SioPacketType of(char code) {
        int index = code - '0';
        return index >= 0 && index < values().length ? values()[index] : null;
    }
}
