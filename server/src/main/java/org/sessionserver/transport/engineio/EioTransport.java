package org.sessionserver.transport.engineio;

/** The two Engine.IO transports, by their query-string names. */
public enum EioTransport {
    POLLING("polling"), WEBSOCKET("websocket");

    public final String wireName;

    EioTransport(String wireName) {
        this.wireName = wireName;
    }

    public static EioTransport of(String wireName) {
        for (EioTransport transport : values()) {
            if (transport.wireName.equals(wireName)) {
                return transport;
            }
        }
        return null;
    }
}
