package org.sessionserver.transport.socketio;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT to a namespace is admitted, before the socket exists. It sees every CONNECT, with or
 * without an auth payload (netty-socketio 2.0.14 skips its AuthTokenListener when the payload is missing, #1067).
 * Called on the connection's event loop: it must not block; answer later through the returned stage.
 */
@FunctionalInterface
public interface ConnectGate {
    /** Admits everyone, with no principal. */
    ConnectGate OPEN = handshake -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * @return a stage that completes with what the socket should carry as its principal (may be null), or fails
     *         with {@link ConnectRefusedException} to refuse with its message and data; any other failure refuses
     *         with "unavailable".
     */
    CompletionStage<Object> admit(SioHandshake handshake);
}
