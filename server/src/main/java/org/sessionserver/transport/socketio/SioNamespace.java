package org.sessionserver.transport.socketio;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A namespace: who may join it, and what happens to its sockets. Configure it before the server starts; the
 * handlers run on each connection's event loop and must not block.
 */
public final class SioNamespace {
    private final String name;
    private volatile ConnectGate gate = ConnectGate.OPEN;
    private volatile Consumer<SioSocket> onConnect = socket -> { };
    private volatile BiConsumer<SioSocket, String> onDisconnect = (socket, reason) -> { };
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

    void joined(SioSocket socket) {
        sockets.put(socket.id(), socket);
        onConnect.accept(socket);
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
