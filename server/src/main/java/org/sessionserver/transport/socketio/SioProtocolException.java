package org.sessionserver.transport.socketio;

/** A packet that breaks the Socket.IO v5 grammar: the connection is closed, as socket.io does. */
public final class SioProtocolException extends Exception {
    public SioProtocolException(String message) {
        super(message, null, false, false);
    }
}
