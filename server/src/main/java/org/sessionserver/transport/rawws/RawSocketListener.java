package org.sessionserver.transport.rawws;

/**
 * What the application hears from one raw WebSocket. Calls come on the socket's event loop, one at a time, and must
 * not block. Messages are whole (fragments reassembled) and text is valid UTF-8.
 */
public interface RawSocketListener {
    void onOpen(RawSocket socket);

    void onText(RawSocket socket, String text);

    void onBinary(RawSocket socket, byte[] data);

    /** Once, when the connection is gone, whoever closed it. */
    void onClose(RawSocket socket);
}
