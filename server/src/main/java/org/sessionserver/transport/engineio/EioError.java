package org.sessionserver.transport.engineio;

/** The HTTP 400 errors of Engine.IO v4, with the codes and messages the reference server sends. */
public enum EioError {
    UNKNOWN_TRANSPORT(0, "Transport unknown"),
    UNKNOWN_SID(1, "Session ID unknown"),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
    BAD_REQUEST(3, "Bad request"),
    FORBIDDEN(4, "Forbidden"),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

    public final int code;
    public final String message;

    EioError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    public String json() {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
}
