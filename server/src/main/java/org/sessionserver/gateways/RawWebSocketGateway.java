package org.sessionserver.gateways;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.Credentials;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.ClientEvents;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.json.ServerJson;
import org.sessionserver.sessions.RawFrames;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.rawws.RawSocket;
import org.sessionserver.transport.rawws.RawSocketListener;

/**
 * Sessions over the raw WebSocket endpoint ({@code /ws}): JSON frames {@code {"type","request_id","payload","ts"}}.
 * Auth by query {@code token}, {@code Authorization: Bearer}, or a first {@code hello} frame within 10 s (failure:
 * close 1008). Client types: {@code hello}, {@code message} (an Event, answered by {@code ack}), {@code ping}
 * (answered by {@code pong}), {@code response} (to a server's {@code request}); any other type gets {@code error}
 * {@code unknown_event}, bad JSON {@code bad_request};
 * the connection stays open either way.
 * Binary frames close it with 1003.
 */
public final class RawWebSocketGateway implements RawSocketListener {
    static final long HELLO_TIMEOUT_MS = 10_000;
    /** The attachment of a socket whose credentials were accepted while its session is being opened. */
    private static final Object OPENING = new Object();

    private final Authenticator authenticator;
    private final SessionLifecycle lifecycle;
    private final ClientEvents clientEvents;
    private final EventIntake intake;
    /** What the server does with each type a client may send, in the order the help text lists them. */
    private final Map<String, FrameHandler> clientTypes = new LinkedHashMap<>();

    /** One client frame type's handling; the payload is a missing node when the frame has none. */
    private interface FrameHandler {
        void handle(RawSocket socket, JsonNode requestId, JsonNode payload);
    }

    public RawWebSocketGateway(Authenticator authenticator, SessionLifecycle lifecycle, EventIntake intake,
                               ClientEvents clientEvents) {
        this.clientEvents = clientEvents;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
        this.intake = intake;
        clientTypes.put(RawFrames.HELLO, this::onHello);
        clientTypes.put(RawFrames.MESSAGE, this::onMessage);
        clientTypes.put(RawFrames.PING, (socket, requestId, payload) ->
                send(socket, RawFrames.PONG, requestId, payload.isMissingNode() ? null : payload));
        clientTypes.put(RawFrames.RESPONSE, this::onResponse);
    }

    @Override
    public void onOpen(RawSocket socket) {
        String token = Credentials.pick(null, socket.handshake().queryParam("token"),
                socket.handshake().header("authorization"));
        if (token != null) {
            authenticate(socket, token, headerProxy(socket), null);
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
        if (!frame.path("type").isTextual()) {
            error(socket, requestId, ErrorCode.BAD_REQUEST, "type must be a string");
            return;
        }
        String type = frame.get("type").textValue();
        FrameHandler handler = clientTypes.get(type);
        if (handler == null && clientEvents.allows(type)) {
            handler = (named, id, payload) -> onOtherEvent(named, type, id, payload);
        }
        if (handler == null) {
            error(socket, requestId, ErrorCode.UNKNOWN_EVENT, "unknown type; client types are "
                    + clientEvents.withOthers(String.join(", ", clientTypes.keySet())));
            return;
        }
        handler.handle(socket, requestId, frame.path("payload"));
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

    private void onHello(RawSocket socket, JsonNode requestId, JsonNode payload) {
        if (socket.attachment() != null) {
            error(socket, requestId, ErrorCode.BAD_REQUEST, "already authenticated");
            return;
        }
        JsonNode token = payload.path("token");
        boolean proxy = payload.path("proxy").asBoolean(false) || headerProxy(socket);
        authenticate(socket, token.isTextual() ? token.textValue() : null, proxy, requestId);
    }

    /**
     * Usually decided at once, on the socket's loop; when a JWKS key must first be fetched, the answer comes back to
     * the loop from the fetch's thread. The socket counts as opening meanwhile, so a second {@code hello} is refused.
     */
    private void authenticate(RawSocket socket, String token, boolean proxy, JsonNode requestId) {
        socket.attach(OPENING);
        CompletableFuture<String> decided = authenticator.authenticateAsync(token).toCompletableFuture();
        if (decided.isDone()) {
            authenticated(socket, decided, proxy, requestId);
        } else {
            decided.whenComplete((participantId, failure) ->
                    socket.channel().eventLoop().execute(() -> authenticated(socket, decided, proxy, requestId)));
        }
    }

    private void authenticated(RawSocket socket, CompletableFuture<String> decided, boolean proxy,
                               JsonNode requestId) {
        String participantId;
        try {
            participantId = decided.join();
        } catch (CompletionException | CancellationException e) {
            socket.attach(null);
            error(socket, requestId, ErrorCode.UNAUTHORIZED, "unauthorized");
            socket.close(WebSocketCloseStatus.POLICY_VIOLATION);
            return;
        }
        if (!socket.isOpen()) {
            socket.attach(null);
            return;
        }
        lifecycle.open(participantId, "ws_" + RandomIds.next(), "ch_" + RandomIds.next(), proxy,
                RawConnection.TRANSPORT, socket.channel().eventLoop(), socket::isOpen,
                (session, limiter) -> new RawConnection(socket, session, limiter, new RawRequests()))
                .whenComplete((connection, failure) -> {
                    if (failure != null) {
                        socket.attach(null);
                        if (failure instanceof Refusal refusal) {
                            error(socket, requestId, refusal.code(), refusal.getMessage());
                            socket.close(WebSocketCloseStatus.POLICY_VIOLATION);
                        }
                        return;
                    }
                    // Routable from here on (SessionLifecycle.open), in the task that sends the hello_ack.
                    socket.attach(connection);
                    send(socket, RawFrames.HELLO_ACK, requestId, SessionLifecycle.describe(connection.session()));
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
        socket.sendText(RawFrames.frame(type, requestId, payload));
    }
}
