package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sessionserver.json.ServerJson;
import org.sessionserver.transport.engineio.EioSocket;

/**
 * One client's membership of one namespace (socket.io's {@code Socket}). Its methods may be called from any thread.
 */
public final class SioSocket {
    private final String id;
    private final SioNamespace namespace;
    private final SioConnection connection;
    private final SioHandshake handshake;
    private final Object principal;
    private volatile Object attachment;
    private volatile boolean connected = true;
    /** A server-side disconnect is under way (it completes on the session's loop). */
    private final AtomicBoolean leaving = new AtomicBoolean();

    // Touched on the connection's loop only.
    private long nextAckId;
    private Map<Long, PendingAck> pendingAcks;

    private record PendingAck(CompletableFuture<ArrayNode> result, ScheduledFuture<?> timeout) {
    }

    SioSocket(String id, SioNamespace namespace, SioConnection connection, SioHandshake handshake, Object principal) {
        this.id = id;
        this.namespace = namespace;
        this.connection = connection;
        this.handshake = handshake;
        this.principal = principal;
    }

    /** The socket id sent in the CONNECT reply ({@code 40{"sid":...}}), unique per namespace membership. */
    public String id() {
        return id;
    }

    public SioNamespace namespace() {
        return namespace;
    }

    public SioHandshake handshake() {
        return handshake;
    }

    /** What the namespace's {@link ConnectGate} admitted this socket as. */
    public Object principal() {
        return principal;
    }

    /** What the application keeps with this socket (its session, say). */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    /** The Engine.IO session underneath: its sid identifies the transport channel. */
    public EioSocket eio() {
        return connection.eio();
    }

    public boolean isConnected() {
        return connected;
    }

    /**
     * Sends an event. Arguments may be {@link JsonNode}s, {@code byte[]} (sent as binary attachments), or anything
     * Jackson can turn into JSON.
     */
    public void emit(String event, Object... args) {
        if (connected) {
            connection.send(new SioPacket(SioPacketType.EVENT, namespace.name(), SioPacket.NO_ACK, eventData(event, args)));
        }
    }

    /** Sends a packet encoded once for many sockets; it must have been prepared for this socket's namespace. */
    public void sendPrepared(PreparedPacket packet) {
        if (!packet.namespace().equals(namespace.name())) {
            throw new IllegalArgumentException("packet prepared for " + packet.namespace() + ", socket in " + namespace.name());
        }
        if (connected) {
            connection.eio().sendEncoded(packet.enginePackets());
        }
    }

    /** Sends an event whose arguments are already JSON (binary values as {@code BinaryNode}s). */
    public void emitArgs(String event, ArrayNode args) {
        if (connected) {
            ArrayNode data = JsonNodeFactory.instance.arrayNode(args.size() + 1).add(event).addAll(args);
            connection.send(new SioPacket(SioPacketType.EVENT, namespace.name(), SioPacket.NO_ACK, data));
        }
    }

    /**
     * Sends an event that asks the client for an acknowledgement: the result completes with the client's ack
     * arguments, or fails with {@link TimeoutException} after {@code timeout}, or with
     * {@link java.util.concurrent.CancellationException} when the socket disconnects first.
     */
    public CompletableFuture<ArrayNode> request(String event, Duration timeout, Object... args) {
        return requestArgs(event, timeout, toArray(args));
    }

    /** {@link #request} with arguments that are already JSON. */
    public CompletableFuture<ArrayNode> requestArgs(String event, Duration timeout, ArrayNode args) {
        CompletableFuture<ArrayNode> result = new CompletableFuture<>();
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.size() + 1).add(event).addAll(args);
        connection.eio().loop().execute(() -> {
            if (!connected) {
                result.cancel(false);
                return;
            }
            long ackId = nextAckId++;
            ScheduledFuture<?> timer = connection.eio().loop().schedule(() -> {
                if (pendingAcks.remove(ackId) != null) {
                    result.completeExceptionally(new TimeoutException("no ack within " + timeout.toMillis() + " ms"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (pendingAcks == null) {
                pendingAcks = new HashMap<>(4);
            }
            pendingAcks.put(ackId, new PendingAck(result, timer));
            connection.send(new SioPacket(SioPacketType.EVENT, namespace.name(), ackId, data));
        });
        return result;
    }

    /**
     * Makes the socket leave its namespace: the client gets a DISCONNECT ({@code io server disconnect}); with
     * {@code closeConnection} the whole connection is closed too. False when it was gone or leaving already.
     */
    public boolean disconnect(boolean closeConnection) {
        if (!connected || !leaving.compareAndSet(false, true)) {
            return false;
        }
        connection.eio().loop().execute(() -> {
            if (connected) {
                connection.send(new SioPacket(SioPacketType.DISCONNECT, namespace.name(), SioPacket.NO_ACK, null));
                connection.removeSocket(this, "server namespace disconnect");
            }
            if (closeConnection) {
                connection.eio().close("forced server close");
            }
        });
        return true;
    }

    SioAck ackFor(long ackId) {
        AtomicBoolean sent = new AtomicBoolean();
        return args -> {
            if (connected && sent.compareAndSet(false, true)) {
                connection.send(new SioPacket(SioPacketType.ACK, namespace.name(), ackId, args));
            }
        };
    }

    void onAck(long ackId, ArrayNode args) {
        PendingAck pending = pendingAcks == null ? null : pendingAcks.remove(ackId);
        if (pending != null) {
            pending.timeout().cancel(false);
            pending.result().complete(args);
        }
    }

    /** The socket has left: fails what still waits for an ack. Called once, on the loop. */
    void onLeft() {
        connected = false;
        if (pendingAcks != null) {
            pendingAcks.values().forEach(pending -> {
                pending.timeout().cancel(false);
                pending.result().cancel(false);
            });
            pendingAcks = null;
        }
    }

    private static ArrayNode eventData(String event, Object[] args) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length + 1);
        data.add(event);
        for (Object arg : args) {
            data.add(toNode(arg));
        }
        return data;
    }

    static ArrayNode toArray(Object[] args) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length);
        for (Object arg : args) {
            data.add(toNode(arg));
        }
        return data;
    }

    private static JsonNode toNode(Object value) {
        if (value == null) {
            return NullNode.instance;
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof byte[] bytes) {
            return BinaryNode.valueOf(bytes);
        }
        return ServerJson.MAPPER.valueToTree(value);
    }
}
