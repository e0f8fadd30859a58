package org.sessionserver.transport.engineio;

/** The two Engine.IO transports, by their query-string names. */
public enum EngineTransport {
    POLLING("polling"), WEBSOCKET("websocket");

    public final String wireName;

    EngineTransport(String wireName) {
        this.wireName = wireName;
    }

    public static EngineTransport of(String wireName) {
        for (EngineTransport transport : values()) {
            if (transport.wireName.equals(wireName)) {
                return transport;
            }
        }
        return null;
    }
}
