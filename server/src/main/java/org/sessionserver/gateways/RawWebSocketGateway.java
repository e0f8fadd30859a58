package org.sessionserver.gateways;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.Credentials;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.ClientEvents;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.json.ServerJson;
import org.sessionserver.sessions.FrameTime;
import org.sessionserver.sessions.RawFrames;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.rawws.RawSocket;
import org.sessionserver.transport.rawws.RawSocketListener;

/**
 * Sessions over the raw WebSocket endpoint ({@code /ws}, or the paths of {@code RAW_WS_PATHS}): JSON frames
 * {@code {"type","request_id","payload","ts"}}. Auth by query {@code token}, {@code Authorization: Bearer}, or a first
 * {@code hello} frame within 10 s, in our form or in that of the gateways this server replaces ({@link RawHello});
 * failure: close 1008. The server stamps its frames' {@code ts} in the form of the hello's (ISO-8601 without one).
 * Client types: {@code hello}, {@code message} (an Event, answered by {@code ack}), {@code ping}
 * (answered by {@code pong}), {@code response} (to a server's {@code request}); any other type gets {@code error}
 * {@code unknown_event}, bad JSON {@code bad_request};
 * the connection stays open either way.
 * Binary frames close it with 1003.
 */
public final class RawWebSocketGateway implements RawSocketListener {
    static final long HELLO_TIMEOUT_MS = 10_000;
    /**
     * The attachment of a socket whose credentials are being decided, or whose session is being opened. What the
     * client sends meanwhile waits for the {@code hello_ack}: agents authenticated by query or header write their
     * first frame ({@code register}) at once, without waiting for anything.
     */
    private static final class Opening {
        static final int MAX_HELD_FRAMES = 16;
        final FrameTime time;
        /** Touched on the socket's loop only. */
        final List<JsonNode> held = new ArrayList<>(2);

        Opening(FrameTime time) {
            this.time = time;
        }
    }

    private final Authenticator authenticator;
    private final SessionLifecycle lifecycle;
    private final ClientEvents clientEvents;
    private final EventIntake intake;
    /** What the server does with each type a client may send, in the order the help text lists them. */
    private final Map<String, FrameHandler> clientTypes = new LinkedHashMap<>();

    /** One client frame type's handling; the payload is a missing node when the frame has none. */
    private interface FrameHandler {
        void handle(RawSocket socket, JsonNode frame, JsonNode requestId, JsonNode payload);
    }

    public RawWebSocketGateway(Authenticator authenticator, SessionLifecycle lifecycle, EventIntake intake,
                               ClientEvents clientEvents) {
        this.clientEvents = clientEvents;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
        this.intake = intake;
        clientTypes.put(RawFrames.HELLO, (socket, frame, requestId, payload) -> onHello(socket, frame, requestId));
        clientTypes.put(RawFrames.MESSAGE, (socket, frame, requestId, payload) ->
                onMessage(socket, requestId, payload));
        clientTypes.put(RawFrames.PING, (socket, frame, requestId, payload) ->
                send(socket, RawFrames.PONG, requestId, payload.isMissingNode() ? null : payload));
        clientTypes.put(RawFrames.RESPONSE, (socket, frame, requestId, payload) ->
                onResponse(socket, requestId, payload));
    }

    @Override
    public void onOpen(RawSocket socket) {
        String token = Credentials.pick(null, socket.handshake().queryParam("token"),
                socket.handshake().header("authorization"));
        if (token != null) {
            authenticate(socket, token, headerProxy(socket), null, null);
            return;
        }
        ScheduledFuture<?> helloDeadline = socket.channel().eventLoop().schedule(() -> {
            if (!(socket.attachment() instanceof RawConnection)) {
                socket.close(WebSocketCloseStatus.POLICY_VIOLATION);
            }
        }, HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        // Cancelled with the connection: the timer would otherwise keep a closed channel reachable for 10 s.
        socket.channel().closeFuture().addListener(closed -> helloDeadline.cancel(false));
    }

    @Override
    public void onText(RawSocket socket, String text) {
        JsonNode frame;
        try {
            frame = ServerJson.MAPPER.readTree(text);
        } catch (JacksonException | NumberFormatException e) {
            error(socket, null, ErrorCode.BAD_REQUEST, "frames are JSON objects {type, request_id, payload, ts}");
            return;
        }
        if (frame == null || !frame.isObject()) {
            error(socket, null, ErrorCode.BAD_REQUEST, "frames are JSON objects {type, request_id, payload, ts}");
            return;
        }
        JsonNode requestId = frame.get("request_id"); // answered with whatever else is wrong in the frame
        if (socket.attachment() instanceof Opening opening) {
            if (opening.held.size() < Opening.MAX_HELD_FRAMES) {
                opening.held.add(frame);
            } else {
                error(socket, requestId, ErrorCode.RATE_LIMITED, "frame dropped: at most " + Opening.MAX_HELD_FRAMES
                        + " frames wait for the session to open (hello_ack)");
            }
            return;
        }
        onFrame(socket, frame, requestId);
    }

    private void onFrame(RawSocket socket, JsonNode frame, JsonNode requestId) {
        if (!frame.path("type").isTextual()) {
            error(socket, requestId, ErrorCode.BAD_REQUEST, "type must be a string");
            return;
        }
        String type = frame.get("type").textValue();
        FrameHandler handler = clientTypes.get(type);
        if (handler == null && clientEvents.allows(type)) {
            handler = (named, whole, id, payload) -> onOtherEvent(named, type, id, payload);
        }
        if (handler == null) {
            error(socket, requestId, ErrorCode.UNKNOWN_EVENT, "unknown type; client types are "
                    + clientEvents.withOthers(String.join(", ", clientTypes.keySet())));
            return;
        }
        handler.handle(socket, frame, requestId, frame.path("payload"));
    }

    @Override
    public void onBinary(RawSocket socket, byte[] data) {
        socket.close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
    }

    @Override
    public void onClose(RawSocket socket) {
        if (socket.attachment() instanceof RawConnection connection) {
            connection.requests().cancelAll();
            WebSocketCloseStatus status = socket.closeStatus();
            lifecycle.close(connection, status == null ? "client close" : status.reasonText().isEmpty()
                    ? "server close " + status.code() : status.reasonText());
        }
    }

    /** A malformed hello is answered with {@code error} and leaves the socket free to send a good one in time. */
    private void onHello(RawSocket socket, JsonNode frame, JsonNode requestId) {
        if (socket.attachment() != null) {
            error(socket, requestId, ErrorCode.BAD_REQUEST, "already authenticated");
            return;
        }
        RawHello hello;
        try {
            hello = RawHello.parse(frame);
        } catch (Refusal refusal) {
            error(socket, requestId, refusal.code(), refusal.getMessage());
            return;
        }
        authenticate(socket, hello.credential(), hello.proxy() || headerProxy(socket), requestId, hello);
    }

    /**
     * Usually decided at once, on the socket's loop; when a JWKS key must first be fetched, the answer comes back to
     * the loop from the fetch's thread. The socket counts as opening meanwhile, so a second {@code hello} is refused.
     *
     * @param hello the hello that carried the token, or null when it came with the upgrade request
     */
    private void authenticate(RawSocket socket, String token, boolean proxy, JsonNode requestId, RawHello hello) {
        Opening opening = new Opening(hello == null ? FrameTime.ISO_8601 : hello.time());
        socket.attach(opening);
        CompletableFuture<String> decided = authenticator.authenticateAsync(token).toCompletableFuture();
        if (decided.isDone()) {
            authenticated(socket, decided, proxy, requestId, hello, opening);
        } else {
            decided.whenComplete((participantId, failure) -> socket.channel().eventLoop()
                    .execute(() -> authenticated(socket, decided, proxy, requestId, hello, opening)));
        }
    }

    private void authenticated(RawSocket socket, CompletableFuture<String> decided, boolean proxy,
                               JsonNode requestId, RawHello hello, Opening opening) {
        String participantId;
        try {
            participantId = decided.join();
        } catch (CompletionException | CancellationException e) {
            error(socket, requestId, ErrorCode.UNAUTHORIZED, "unauthorized");
            socket.attach(null);
            socket.close(WebSocketCloseStatus.POLICY_VIOLATION);
            return;
        }
        if (!socket.isOpen()) {
            socket.attach(null);
            return;
        }
        SessionRecord session = lifecycle.newSession(participantId, "ws_" + RandomIds.next(), "ch_" + RandomIds.next(),
                proxy, RawConnection.TRANSPORT);
        if (hello != null) {
            session = session.withClient(hello.clientSessionId(), hello.clientMeta());
        }
        lifecycle.open(session, socket.channel().eventLoop(), socket::isOpen,
                (opened, limiter) -> new RawConnection(socket, opened, limiter, new RawRequests(), opening.time))
                .whenComplete((connection, failure) -> {
                    if (failure != null) {
                        if (failure instanceof Refusal refusal) {
                            error(socket, requestId, refusal.code(), refusal.getMessage());
                            socket.close(WebSocketCloseStatus.POLICY_VIOLATION);
                        }
                        socket.attach(null);
                        return;
                    }
                    // Routable from here on (SessionLifecycle.open), in the task that sends the hello_ack.
                    socket.attach(connection);
                    SessionRecord opened = connection.session();
                    send(socket, RawFrames.HELLO_ACK, requestId, opened.clientSessionId() != null
                            ? opened.clientSessionId() : opened.sessionId(), SessionLifecycle.describe(opened));
                    opening.held.forEach(frame -> onFrame(socket, frame, frame.get("request_id")));
                });
    }

    private void onMessage(RawSocket socket, JsonNode requestId, JsonNode event) {
        if (!(socket.attachment() instanceof RawConnection connection)) {
            error(socket, requestId, ErrorCode.UNAUTHORIZED, "send hello first");
            return;
        }
        intake.submit(connection.session(), event.isMissingNode() ? null : event, connection.rateLimiter())
                .whenComplete((id, failure) -> {
                    ObjectNode result = JsonNodeFactory.instance.objectNode();
                    if (failure == null) {
                        result.put("ok", true).put("id", id);
                    } else {
                        Refusal refusal = Refusal.of(failure);
                        result.put("ok", false).set("error", refusal.code().body(refusal.getMessage()));
                    }
                    send(socket, RawFrames.ACK, requestId, result);
                });
    }

    /** The answer to a server's request: it must name a request that is still waiting. */
    private void onResponse(RawSocket socket, JsonNode requestId, JsonNode payload) {
        if (!(socket.attachment() instanceof RawConnection connection)) {
            error(socket, requestId, ErrorCode.UNAUTHORIZED, "send hello first");
            return;
        }
        if (requestId == null || !requestId.isTextual()
                || !connection.requests().answer(requestId.textValue(), payload.isMissingNode() ? null : payload)) {
            error(socket, requestId, ErrorCode.BAD_REQUEST, "no request of this request_id awaits a response");
        }
    }

    /** A type of {@code CLIENT_EVENTS}: to the engine with its {@code request_id}, answered by {@code ack}. */
    private void onOtherEvent(RawSocket socket, String type, JsonNode requestId, JsonNode payload) {
        if (!(socket.attachment() instanceof RawConnection connection)) {
            error(socket, requestId, ErrorCode.UNAUTHORIZED, "send hello first");
            return;
        }
        intake.submitNamed(connection.session(), type, payload.isMissingNode() ? null : payload, requestId,
                connection.rateLimiter()).whenComplete((accepted, failure) -> {
                    ObjectNode result = JsonNodeFactory.instance.objectNode();
                    if (failure == null) {
                        result.put("ok", true);
                    } else {
                        Refusal refusal = Refusal.of(failure);
                        result.put("ok", false).set("error", refusal.code().body(refusal.getMessage()));
                    }
                    send(socket, RawFrames.ACK, requestId, result);
                });
    }

    private static boolean headerProxy(RawSocket socket) {
        return Credentials.proxyRequested(null, socket.handshake().header("x-proxy-message"));
    }

    private static void error(RawSocket socket, JsonNode requestId, ErrorCode code, String message) {
        send(socket, RawFrames.ERROR, requestId, code.body(message));
    }

    private static void send(RawSocket socket, String type, JsonNode requestId, JsonNode payload) {
        send(socket, type, requestId, null, payload);
    }

    /** A frame stamped in the form of the client's hello, once it sent one. */
    private static void send(RawSocket socket, String type, JsonNode requestId, String sessionId, JsonNode payload) {
        Object attachment = socket.attachment();
        FrameTime time = attachment instanceof RawConnection connection ? connection.time()
                : attachment instanceof Opening opening ? opening.time : FrameTime.ISO_8601;
        socket.sendText(RawFrames.frame(type, requestId, sessionId, payload, time));
    }
}
