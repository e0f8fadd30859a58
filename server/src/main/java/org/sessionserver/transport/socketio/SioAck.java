package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The acknowledgement a client asked for with an event. Send it at most once (later calls are ignored), from any
 * thread.
 */
@FunctionalInterface
public interface SioAck {
    /** Acknowledges with these arguments (binary values as {@code BinaryNode}s). */
    void sendArgs(ArrayNode args);

    /** Acknowledges with these arguments, converted as by {@link SioSocket#emit}. */
    default void send(Object... args) {
        sendArgs(SioSocket.toArray(args));
    }
}
