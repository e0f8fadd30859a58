package org.sessionserver.transport.socketio;

/**
 * What a {@link ConnectGate} may admit a socket as when it decides the socket's ids itself: connection state
 * recovery gives a reconnecting client its previous socket id and private session id back. The CONNECT reply is
 * then {@code {"sid":<socketId>,"pid":<pid>}}, and socket.io-client sets {@code socket.recovered} when the pid is
 * the one it had.
 *
 * @param socketId the socket id to use, or null for a new random one
 * @param pid      the private session id to send, or null for none (the client then sends no offsets back)
 */
public record SocketIdentity(String socketId, String pid, Object principal) {
}
