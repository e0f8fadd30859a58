package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/** Refuses a CONNECT: the client receives CONNECT_ERROR {@code {"message":...,"data":...}} (its connect_error). */
public final class ConnectRefusedException extends RuntimeException {
    private final transient JsonNode data;

    public ConnectRefusedException(String message, JsonNode data) {
        super(message, null, false, false);
        this.data = data;
    }

    public JsonNode data() {
        return data;
    }
}
