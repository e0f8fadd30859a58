package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.engineio.EioSocket;
import org.sessionserver.transport.engineio.EioSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side of one Engine.IO session (socket.io's {@code Client}): decodes packets, admits CONNECTs
 * through the namespace's gate, and dispatches events to the sockets it holds.
 *
 * <p>Everything here runs on the session's event loop. Replaces netty-socketio's {@code InPacketHandler} and
 * {@code PacketListener}, which in 2.0.14 run connect listeners before the client's CONNECT (so what they emit
 * precedes the CONNECT reply), hand events of refused or never-connected namespaces to listeners, send an empty ack
 * for dropped events, and drop the session without closing it after {@code 41} on its last namespace.
 */
final class SioConnection implements EioSocketListener {
    private static final Logger log = LoggerFactory.getLogger(SioConnection.class);

    private final SioServer server;
    private final EioSocket eio;
    private final SioPacketAssembler assembler;
    private final Map<String, SioSocket> sockets = new HashMap<>(2);
    private final Set<String> admitting = new HashSet<>(2);
    private ScheduledFuture<?> connectTimer;

    SioConnection(SioServer server, EioSocket eio) {
        this.server = server;
        this.eio = eio;
        this.assembler = new SioPacketAssembler(server.options().maxPacketBytes());
        this.connectTimer = eio.loop().schedule(() -> {
            if (sockets.isEmpty()) {
                eio.close("connect timeout");
            }
        }, server.options().connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    EioSocket eio() {
        return eio;
    }

    void send(SioPacket packet) {
        eio.sendMessages(SioCodec.encode(packet));
    }

    @Override
    public void onMessage(EioSocket socket, String text) {
        try {
            SioPacket packet = assembler.onText(text);
            if (packet != null) {
                onPacket(packet);
            }
        } catch (SioProtocolException e) {
            onProtocolError(e);
        }
    }

    @Override
    public void onBinary(EioSocket socket, byte[] data) {
        try {
            SioPacket packet = assembler.onBinary(data);
            if (packet != null) {
                onPacket(packet);
            }
        } catch (SioProtocolException e) {
            onProtocolError(e);
        }
    }

    @Override
    public void onUpgrade(EioSocket socket) {
        for (SioSocket member : new ArrayList<>(sockets.values())) {
            member.namespace().upgraded(member);
        }
    }

    @Override
    public void onClose(EioSocket socket, String reason) {
        connectTimer.cancel(false);
        for (SioSocket member : new ArrayList<>(sockets.values())) {
            removeSocket(member, reason);
        }
    }

    void removeSocket(SioSocket socket, String reason) {
        if (sockets.remove(socket.namespace().name(), socket)) {
            socket.onLeft();
            socket.namespace().left(socket, reason);
        }
    }

    private void onProtocolError(SioProtocolException e) {
        log.debug("closing {}: {}", eio.sid(), e.getMessage());
        eio.close("parse error");
    }

    private void onPacket(SioPacket packet) {
        switch (packet.type()) {
            case CONNECT -> onConnect(packet);
            case DISCONNECT -> {
                SioSocket socket = sockets.get(packet.nsp());
                if (socket != null) {
                    removeSocket(socket, "client namespace disconnect");
                }
            }
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> {
                SioSocket socket = sockets.get(packet.nsp());
                if (socket != null) {
                    socket.onAck(packet.ackId(), (ArrayNode) packet.data());
                }
            }
            case CONNECT_ERROR -> {
                // Only servers send it; socket.io ignores it too.
            }
        }
    }

    private void onConnect(SioPacket packet) {
        String nsp = packet.nsp();
        SioNamespace namespace = server.namespace(nsp);
        if (namespace == null) {
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", "Invalid namespace");
            send(new SioPacket(SioPacketType.CONNECT_ERROR, nsp, SioPacket.NO_ACK, error));
            return;
        }
        if (sockets.containsKey(nsp) || !admitting.add(nsp)) {
            return;
        }
        ObjectNode auth = packet.data() == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) packet.data();
        SioHandshake handshake = new SioHandshake(nsp, auth, eio.handshake(), eio.transport());
        try {
            namespace.gate().admit(handshake).whenComplete((principal, failure) ->
                    eio.loop().execute(() -> onAdmission(namespace, handshake, principal, failure)));
        } catch (RuntimeException e) {
            onAdmission(namespace, handshake, null, e);
        }
    }

    private void onAdmission(SioNamespace namespace, SioHandshake handshake, Object principal, Throwable failure) {
        if (!eio.isOpen()) {
            admitting.remove(namespace.name());
            return;
        }
        if (failure != null) {
            admitting.remove(namespace.name());
            refuse(namespace, failure);
            return;
        }
        SocketIdentity identity = principal instanceof SocketIdentity chosen ? chosen
                : new SocketIdentity(null, null, principal);
        String socketId = identity.socketId() != null ? identity.socketId() : RandomIds.next();
        SioSocket socket = new SioSocket(socketId, namespace, this, handshake, identity.principal());
        CompletionStage<?> joining;
        try {
            joining = namespace.joining(socket);
        } catch (RuntimeException e) {
            joining = CompletableFuture.failedFuture(e);
        }
        joining.whenComplete((ok, joinFailure) -> {
            if (eio.loop().inEventLoop()) {
                onJoined(socket, identity, joinFailure);
            } else {
                eio.loop().execute(() -> onJoined(socket, identity, joinFailure));
            }
        });
    }

    /**
     * The namespace has made the socket reachable (or failed to): the CONNECT reply goes out now, in the same task, so
     * nothing sent to the socket from another thread can precede it.
     */
    private void onJoined(SioSocket socket, SocketIdentity identity, Throwable failure) {
        SioNamespace namespace = socket.namespace();
        admitting.remove(namespace.name());
        if (!eio.isOpen()) {
            socket.onLeft();
            namespace.abandoned(socket, "transport close");
            return;
        }
        if (failure != null) {
            socket.onLeft();
            refuse(namespace, failure);
            return;
        }
        sockets.put(namespace.name(), socket);
        connectTimer.cancel(false);
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("sid", socket.id());
        if (identity.pid() != null) {
            reply.put("pid", identity.pid());
        }
        // the reply and what the connect handler sends (the session event, a recovered session's missed messages) go
        // out in one write
        eio.sendTogether(() -> {
            send(new SioPacket(SioPacketType.CONNECT, namespace.name(), SioPacket.NO_ACK, reply));
            if (!socket.isConnected()) {
                return; // the connection closed while the reply went out: the socket left before it joined
            }
            try {
                namespace.joined(socket);
            } catch (RuntimeException e) {
                log.error("connect handler of {} failed", namespace.name(), e);
            }
        });
    }

    private void refuse(SioNamespace namespace, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        if (cause instanceof ConnectRefusedException refused) {
            error.put("message", refused.getMessage());
            if (refused.data() != null) {
                error.set("data", refused.data());
            }
        } else {
            log.warn("connect of {} failed", namespace.name(), cause);
            error.put("message", "unavailable");
            error.set("data", JsonNodeFactory.instance.objectNode().put("code", "unavailable"));
        }
        send(new SioPacket(SioPacketType.CONNECT_ERROR, namespace.name(), SioPacket.NO_ACK, error));
    }

    private void onEvent(SioPacket packet) {
        SioSocket socket = sockets.get(packet.nsp());
        if (socket == null) {
            return; // not connected to that namespace (never, refused, or left): nothing reaches a handler
        }
        ArrayNode data = (ArrayNode) packet.data();
        JsonNode name = data.remove(0);
        SioAck ack = packet.ackId() == SioPacket.NO_ACK ? null : socket.ackFor(packet.ackId());
        try {
            socket.namespace().dispatch(socket, name.asText(), data, ack);
        } catch (RuntimeException e) {
            log.error("handler of event '{}' in {} failed", name.asText(), packet.nsp(), e);
        }
    }

}
