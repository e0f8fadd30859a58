package org.sessionserver.transport.socketio;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A namespace: who may join it, and what happens to its sockets. Configure it before the server starts; the
 * handlers run on each connection's event loop and must not block.
 */
public final class SioNamespace {
    private final String name;
    private volatile ConnectGate gate = ConnectGate.OPEN;
    private volatile Function<SioSocket, CompletionStage<?>> onJoin = socket -> CompletableFuture.completedFuture(null);
    private volatile Consumer<SioSocket> onConnect = socket -> { };
    private volatile BiConsumer<SioSocket, String> onDisconnect = (socket, reason) -> { };
    private volatile Consumer<SioSocket> onUpgrade = socket -> { };
    private volatile SioEventHandler fallback = (socket, event, args, ack) -> { };
    private final Map<String, SioEventHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, SioSocket> sockets = new ConcurrentHashMap<>();

    SioNamespace(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Who may join; by default everyone. */
    public SioNamespace gate(ConnectGate gate) {
        this.gate = gate;
        return this;
    }

    /**
     * Called before a socket's CONNECT reply goes out, on its event loop: whatever must be in place for the socket to
     * be reachable once its client knows it is connected (socket.io joins a socket's rooms at the same point). The
     * reply waits for the returned stage; a failure with {@link ConnectRefusedException} is sent as CONNECT_ERROR
     * instead (any other failure as "unavailable"). When the stage completes on the socket's loop, the reply goes
     * out in that same task, so nothing sent to the socket from another thread can precede it. If the connection
     * closes before the stage completes, {@link #onDisconnect} is called for the socket; its events reach no handler
     * before the reply.
     */
    public SioNamespace onJoin(Function<SioSocket, CompletionStage<?>> handler) {
        this.onJoin = handler;
        return this;
    }

    /** Called once a socket has joined, after its CONNECT reply was sent. */
    public SioNamespace onConnect(Consumer<SioSocket> handler) {
        this.onConnect = handler;
        return this;
    }

    /** Called once when a socket leaves, with socket.io's reason ("client namespace disconnect", "ping timeout"...). */
    public SioNamespace onDisconnect(BiConsumer<SioSocket, String> handler) {
        this.onDisconnect = handler;
        return this;
    }

    /** Called when a socket's connection moved from polling to WebSocket. */
    public SioNamespace onUpgrade(Consumer<SioSocket> handler) {
        this.onUpgrade = handler;
        return this;
    }

    public SioNamespace on(String event, SioEventHandler handler) {
        handlers.put(event, handler);
        return this;
    }

    /** Handles the events that no {@link #on} handler takes. */
    public SioNamespace onAny(SioEventHandler handler) {
        this.fallback = handler;
        return this;
    }

    /** The sockets connected to this namespace on this node. */
    public Collection<SioSocket> sockets() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    ConnectGate gate() {
        return gate;
    }

    CompletionStage<?> joining(SioSocket socket) {
        return onJoin.apply(socket);
    }

    void joined(SioSocket socket) {
        sockets.put(socket.id(), socket);
        onConnect.accept(socket);
    }

    /** A socket whose connection closed while it was joining: the handlers may have to undo their join work. */
    void abandoned(SioSocket socket, String reason) {
        onDisconnect.accept(socket, reason);
    }

    void upgraded(SioSocket socket) {
        onUpgrade.accept(socket);
    }

    void left(SioSocket socket, String reason) {
        if (sockets.remove(socket.id(), socket)) {
            onDisconnect.accept(socket, reason);
        }
    }

    void dispatch(SioSocket socket, String event, com.fasterxml.jackson.databind.node.ArrayNode args, SioAck ack) {
        handlers.getOrDefault(event, fallback).onEvent(socket, event, args, ack);
    }
}
