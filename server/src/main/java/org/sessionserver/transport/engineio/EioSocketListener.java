package org.sessionserver.transport.engineio;

/**
 * What the layer above (Socket.IO) hears from one Engine.IO session. Every call comes on the session's own event
 * loop ({@link EioSocket#loop()}), one at a time and in order, so implementations need no locks but must never
 * block.
 */
public interface EioSocketListener {
    /** A text message (the part after the {@code 4}). */
    void onMessage(EioSocket socket, String text);

    /** A binary message. */
    void onBinary(EioSocket socket, byte[] data);

    /** The session moved from polling to WebSocket ({@link EioSocket#transport()} says so already). */
    default void onUpgrade(EioSocket socket) {
    }

    /** The session is closed, for good; {@code reason} is one of socket.io's reasons ("ping timeout", ...). */
    void onClose(EioSocket socket, String reason);
}
