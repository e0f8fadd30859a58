package org.sessionserver.transport.engineio;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sessionserver.transport.heartbeat.Heartbeat;
import org.sessionserver.transport.http.HandshakeRequest;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.UnsentBytes;

/**
 * One Engine.IO v4 session: its transport (long-polling, then perhaps WebSocket after an upgrade), its outgoing
 * buffer and its heartbeat.
 *
 * <p>Threading: the session lives on one event loop, {@link #loop()}. Every field, and its {@link TransportUpgrade}'s,
 * is touched only there (but the upgrade claim, an atomic taken where the upgrade request is read); the public methods
 * may be called from any thread and hop onto the loop when needed. Listener callbacks run there too.
 */
public final class EioSocket {
    private enum State { OPEN, CLOSING, CLOSED }

    /** The close reason of a session dropped for not reading what it is sent fast enough. */
    public static final String SLOW_CONSUMER = "slow consumer";
    /**
     * How long a polling session that its client closed with no poll pending waits for the poll that raced the close.
     * A client may send its poll and its close ({@code POST 1}) at the same moment, on two connections that two event
     * loops read: the poll must get the noop it gets when it arrives first, whichever loop is quicker.
     */
    static final long RACING_POLL_GRACE_MS = 1_000;
    private static final List<Object> PING = List.of(String.valueOf(EioPacketType.PING.code));

    private final String sid;
    private final EventLoop loop;
    private final EioServer server;
    private final EioOptions options;
    private final HandshakeRequest handshake;
    private EioSocketListener listener;

    private State state = State.OPEN;
    private boolean awaitingRacingPoll;
    /** Written on the loop only; volatile for the admin UI's stats, read from their own thread. */
    private volatile EioTransport transport;

    private final PollBuffer polling = new PollBuffer();

    private volatile Channel webSocket;
    private final TransportUpgrade upgrade = new TransportUpgrade(this);

    private final Heartbeat heartbeat;
    private ScheduledFuture<?> drainDeadline;
    /** While true ({@link #sendTogether}), what is sent is written but not yet flushed or answered to a poll. */
    private boolean holding;

    EioSocket(String sid, EventLoop loop, EioServer server, HandshakeRequest handshake, EioTransport transport) {
        this.sid = sid;
        this.loop = loop;
        this.server = server;
        this.options = server.options();
        this.handshake = handshake;
        this.transport = transport;
        this.heartbeat = server.heartbeats().of(loop, () -> send(PING), () -> terminate("ping timeout", false));
    }

    public String sid() {
        return sid;
    }

    public EventLoop loop() {
        return loop;
    }

    public HandshakeRequest handshake() {
        return handshake;
    }

    /** The transport in use now: polling until an upgrade completes. */
    public EioTransport transport() {
        return transport;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * What this session holds sent and not yet taken by its client: its WebSocket's unsent frames, or on polling its
     * buffer until the next poll carries it away. May be read from any thread (a moment's view).
     */
    public long unsentBytes() {
        Channel ws = webSocket;
        return ws != null ? UnsentBytes.of(ws) : polling.bytes();
    }

    void listen(EioSocketListener listener) {
        this.listener = listener;
    }

    /** Sends one text message ({@code 4} + text). */
    public void sendMessage(String text) {
        send(List.of(EioPacketType.MESSAGE.code + text));
    }

    /**
     * Sends messages in order, with nothing else between them: each element a {@link String} (a text message, without
     * its {@code 4}) or a {@code byte[]} (a binary message), as a Socket.IO packet and its attachments need.
     */
    public void sendMessages(List<?> messages) {
        Object[] packets = new Object[messages.size()];
        for (int i = 0; i < packets.length; i++) {
            Object message = messages.get(i);
            packets[i] = message instanceof String text ? EioPacketType.MESSAGE.code + text : message;
        }
        send(List.of(packets));
    }

    /**
     * Sends packets already in Engine.IO form (an {@link EncodedText}, a {@link String} with its type digit, or a
     * {@code byte[]} binary message), shared as they are between sessions.
     */
    public void sendEncoded(List<Object> packets) {
        send(packets);
    }

    /** Closes the session from the server side, after what was already sent has been delivered. */
    public void close(String reason) {
        onLoop(() -> {
            if (state != State.OPEN) {
                return;
            }
            if (transport == EioTransport.POLLING && !polling.isEmpty() && !polling.hasPoll()) {
                // Let the next poll carry what is buffered and the close packet, as engine.io does.
                state = State.CLOSING;
                polling.add(String.valueOf(EioPacketType.CLOSE.code));
                heartbeat.stop();
                drainDeadline = loop.schedule(() -> terminate(reason, false), options.pingTimeoutMs(), TimeUnit.MILLISECONDS);
                notifyClosed(reason);
                return;
            }
            terminate(reason, false);
        });
    }

    /**
     * Runs {@code sends} on the loop, now (the caller is on it), and sends what they sent together: one write to the
     * WebSocket, one poll answer. A CONNECT reply and the {@code session} event that follows it cost one syscall, not
     * two, and reach a polling client in the same response.
     */
    public void sendTogether(Runnable sends) {
        if (holding) {
            sends.run();
            return;
        }
        holding = true;
        try {
            sends.run();
        } finally {
            holding = false;
            if (state == State.OPEN) {
                flushHeld();
            }
        }
    }

    private void send(List<Object> packets) {
        if (loop.inEventLoop()) {
            sendNow(packets); // a broadcast's usual case: no task to allocate
        } else {
            loop.execute(() -> sendNow(packets));
        }
    }

    private void sendNow(List<Object> packets) {
        if (state != State.OPEN) {
            return;
        }
        if (transport == EioTransport.WEBSOCKET) {
            for (Object packet : packets) {
                webSocket.write(WebSocketFrames.of(webSocket, packet), webSocket.voidPromise());
            }
            if (!holding) {
                flushHeld();
            }
        } else {
            for (Object packet : packets) {
                Object buffered = packet instanceof EncodedText encoded ? encoded.packet() : packet;
                polling.add(buffered);
            }
            if (polling.bytes() > UnsentBytes.LIMIT) {
                terminate(SLOW_CONSUMER, false);
                return;
            }
            if (!holding) {
                flushHeld();
            }
        }
    }

    /** Sends what was written: flushes the WebSocket (a client that reads too slowly is dropped), answers a poll. */
    private void flushHeld() {
        if (transport == EioTransport.WEBSOCKET) {
            webSocket.flush();
            if (webSocket.isActive() && !webSocket.isWritable()) {
                terminate(SLOW_CONSUMER, false);
            }
        } else {
            flushPoll();
        }
    }

    // ---- opening

    /** Starts the heartbeat and, for a session opened over WebSocket, sends the open packet on it. */
    void open(String openPacket, Channel openingWebSocket) {
        if (openingWebSocket != null) {
            webSocket = openingWebSocket;
            webSocket.writeAndFlush(new TextWebSocketFrame(openPacket), webSocket.voidPromise());
        }
        heartbeat.start();
    }

    // ---- long-polling

    void onPoll(HttpExchange exchange) {
        if (awaitingRacingPoll) {
            awaitingRacingPoll = false;
            server.remove(this);
            exchange.send(HttpResponseStatus.OK, HttpExchange.TEXT, String.valueOf(EioPacketType.NOOP.code));
            return;
        }
        if (state == State.CLOSED || transport != EioTransport.POLLING) {
            server.reject(exchange, state == State.CLOSED ? EioError.UNKNOWN_SID : EioError.BAD_REQUEST);
            return;
        }
        if (polling.hasPoll()) {
            // Two polls at once: a broken or hostile client. engine.io answers the first with a close and drops it.
            server.reject(exchange, EioError.BAD_REQUEST);
            terminate("transport error", false);
            return;
        }
        polling.hold(exchange);
        if (upgrade.isProbed() && polling.isEmpty()) {
            upgrade.releaseSoon(exchange);
            return;
        }
        flushPoll();
    }

    void onPost(HttpExchange exchange, String body) {
        if (state != State.OPEN || transport != EioTransport.POLLING) {
            server.reject(exchange, state == State.OPEN ? EioError.BAD_REQUEST : EioError.UNKNOWN_SID);
            return;
        }
        if (body.length() > options.maxPayload()) {
            exchange.sendEmpty(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            terminate("transport error", false);
            return;
        }
        List<Object> packets;
        try {
            packets = PollingPayload.decode(body);
        } catch (IllegalArgumentException e) {
            packets = null;
        }
        for (int i = 0; packets != null && i < packets.size() && state == State.OPEN; i++) {
            if (packets.get(i) instanceof byte[] data) {
                listener.onBinary(this, data);
            } else if (!onTextPacket((String) packets.get(i))) {
                packets = null;
            }
        }
        if (packets == null) {
            server.reject(exchange, EioError.BAD_REQUEST);
            terminate("parse error", false);
            return;
        }
        exchange.send(HttpResponseStatus.OK, HttpExchange.HTML, "ok");
    }

    private void flushPoll() {
        if (polling.flush() && state == State.CLOSING) {
            terminate("closed after the last poll", false); // listeners were told when the close began
        }
    }

    /** The pending poll when there is nothing to send on it, else null. */
    HttpExchange idlePoll() {
        return polling.idlePoll();
    }

    /** Answers this poll with a noop if it is still pending: an upgrade held it (see {@link TransportUpgrade}). */
    void releaseHeldPoll(HttpExchange poll) {
        polling.release(poll);
    }

    // ---- WebSocket

    /** The move of this session onto a WebSocket; its claim may be taken and released from any thread. */
    TransportUpgrade upgrade() {
        return upgrade;
    }

    /** Whether this WebSocket, which claimed the upgrade, may begin it now. */
    boolean canUpgrade(Channel socket) {
        return state == State.OPEN && transport == EioTransport.POLLING && upgrade.mayBegin(socket);
    }

    void onWebSocketText(Channel socket, String packet) {
        if (upgrade.isProbing(socket)) {
            upgrade.onProbeText(socket, packet);
        } else if (socket == webSocket && state == State.OPEN && !onTextPacket(packet) && state == State.OPEN) {
            terminate("parse error", false);
        }
    }

    void onWebSocketBinary(Channel socket, byte[] data) {
        if (socket == webSocket && state == State.OPEN) {
            listener.onBinary(this, data);
        } else if (upgrade.isProbing(socket)) {
            upgrade.abandon(socket);
        }
    }

    void onWebSocketClosed(Channel socket) {
        if (upgrade.isProbing(socket)) {
            upgrade.abandon(socket);
        } else if (socket == webSocket && state != State.CLOSED) {
            terminate("transport close", true);
        }
    }

    /** The upgrade completes: this WebSocket becomes the transport and carries what polling had not sent yet. */
    void switchTo(Channel socket) {
        webSocket = socket;
        transport = EioTransport.WEBSOCKET;
        HttpExchange late = polling.takePoll();
        if (late != null) { // see TransportUpgrade#releaseSoon
            server.reject(late, EioError.BAD_REQUEST);
        }
        polling.drainTo(buffered -> socket.write(WebSocketFrames.of(socket, buffered), socket.voidPromise()));
        socket.flush();
        if (listener != null) {
            listener.onUpgrade(this);
        }
    }

    // ---- packets common to both transports

    /** Handles one text packet; false when it is not a valid packet (the caller closes the session). */
    private boolean onTextPacket(String packet) {
        EioPacketType type = EioPacketType.of(packet);
        if (type == null) {
            return false;
        }
        switch (type) {
            case MESSAGE -> listener.onMessage(this, packet.substring(1));
            case PONG -> heartbeat.onPong();
            case CLOSE -> terminate("transport close", true);
            case PING, OPEN, UPGRADE, NOOP -> {
                // Nothing for the server to do: v4 clients do not ping, the rest only matter during an upgrade.
            }
        }
        return true;
    }

    // ---- closing

    /**
     * Ends the session now. A pending poll is answered: with a noop when the client closed the session itself (it
     * is waiting for nothing more), with a close packet otherwise.
     */
    private void terminate(String reason, boolean byClient) {
        if (state == State.CLOSED) {
            return;
        }
        boolean notified = state == State.CLOSING;
        state = State.CLOSED;
        heartbeat.stop();
        if (drainDeadline != null) {
            drainDeadline.cancel(false);
        }
        awaitingRacingPoll = byClient && transport == EioTransport.POLLING && !polling.hasPoll();
        if (polling.hasPoll()) {
            polling.answer(String.valueOf(byClient ? EioPacketType.NOOP.code : EioPacketType.CLOSE.code));
        }
        polling.clear();
        if (webSocket != null) {
            // Closed at the TCP level, without a close frame: socket.io-client-java (OkHttp) stops reading after a
            // close frame and engine.io-client-java never answers it, so the client would only notice at its ping
            // timeout; on a plain close every client sees "transport close" at once and reconnects.
            webSocket.close();
        }
        upgrade.stop();
        if (awaitingRacingPoll) {
            loop.schedule(() -> {
                awaitingRacingPoll = false;
                server.remove(this);
            }, RACING_POLL_GRACE_MS, TimeUnit.MILLISECONDS);
        } else {
            server.remove(this);
        }
        if (!notified) {
            notifyClosed(reason);
        }
    }

    private void notifyClosed(String reason) {
        if (listener != null) {
            listener.onClose(this, reason);
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
