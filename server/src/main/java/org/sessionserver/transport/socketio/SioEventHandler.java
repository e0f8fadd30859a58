package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Handles one event of a connected socket. Called on the connection's event loop, one event at a time and in the
 * order the client sent them: it must not block (hand slow work to another thread and answer through {@code ack}).
 */
@FunctionalInterface
public interface SioEventHandler {
    /**
     * @param args the event's arguments after its name; binary values are {@code BinaryNode}s
     * @param ack  the client's acknowledgement callback, or null when it asked for none
     */
    void onEvent(SioSocket socket, String event, ArrayNode args, SioAck ack);
}
