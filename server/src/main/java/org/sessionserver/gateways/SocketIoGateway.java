package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.Credentials;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.ClientEvents;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.RecoveryBook;
import org.sessionserver.sessions.RecoveryHandover;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioAck;
import org.sessionserver.transport.socketio.SioHandshake;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioSocket;
import org.sessionserver.transport.socketio.SocketIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions over Socket.IO: authenticates each CONNECT to {@code /}, opens the session (the {@code session} event,
 * the local registry, the directory), takes {@code message} events into the intake and answers them by ack or by an
 * {@code error} event, and closes the session on disconnect.
 */
public final class SocketIoGateway {
    /** The client event that carries an Event. */
    public static final String MESSAGE_EVENT = "message";
    public static final String SESSION_EVENT = "session";
    public static final String ERROR_EVENT = "error";
    /** The auth field by which a client opts in to connection state recovery. */
    public static final String RECOVERY_OPT_IN = "recovery";

    private static final Logger log = LoggerFactory.getLogger(SocketIoGateway.class);

    private final Authenticator authenticator;
    private final SessionLifecycle lifecycle;
    private final RecoveryBook recovery;
    private final RecoveryHandover handover;
    private final ClientEvents clientEvents;
    private final EventIntake intake;

    /**
     * Who a CONNECT was admitted as; the socket's principal until the session opens.
     *
     * @param recovery the recoverable session, or null when the client did not opt in
     * @param replayAfter the last offset the client got (recovered sessions), 0 otherwise
     */
    private record Admission(String participantId, boolean proxy, RecoveryBook.Entry recovery, long replayAfter) {
    }

    public SocketIoGateway(Authenticator authenticator, SessionLifecycle lifecycle, RecoveryBook recovery,
                           RecoveryHandover handover, EventIntake intake, ClientEvents clientEvents) {
        this.clientEvents = clientEvents;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
        this.recovery = recovery;
        this.handover = handover;
        this.intake = intake;
    }

    public void bind(SioNamespace namespace) {
        namespace.gate(this::admit)
                .onJoin(this::open)
                .onConnect(this::welcome)
                .onDisconnect(this::close)
                .onUpgrade(socket -> {
                    if (socket.attachment() instanceof SocketIoConnection connection) {
                        lifecycle.upgraded(connection);
                    }
                })
                .on(MESSAGE_EVENT, (socket, event, args, ack) -> onMessage(socket, args, ack))
                .onAny(this::onOtherEvent);
    }

    /**
     * Authentication is usually decided at once; when a JWKS key must first be fetched, the rest runs on the fetch's
     * thread (everything below is thread-safe) and SioConnection takes the answer back to the session's loop.
     */
    private CompletionStage<Object> admit(SioHandshake handshake) {
        String token = Credentials.pick(handshake.auth(), handshake.http().queryParam("token"),
                handshake.http().header("authorization"));
        return authenticator.authenticateAsync(token).handle((participantId, failure) -> {
            if (failure != null) {
                log.debug("refused a connection from {}: {}", handshake.http().remoteAddress(),
                        AuthenticationException.reasonOf(failure));
                throw refusal(ErrorCode.UNAUTHORIZED, "unauthorized");
            }
            return participantId;
        }).thenCompose(participantId -> admitAs(handshake, participantId));
    }

    private CompletionStage<Object> admitAs(SioHandshake handshake, String participantId) {
        if (!lifecycle.hasRoomFor(participantId)) {
            throw refusal(ErrorCode.FORBIDDEN, "too many connections for this participant");
        }
        boolean proxy = Credentials.proxyRequested(handshake.auth(), handshake.http().header("x-proxy-message"));
        JsonNode auth = handshake.auth();
        if (!recovery.enabled() || !auth.path(RECOVERY_OPT_IN).asBoolean(false)) {
            return CompletableFuture.completedFuture(new Admission(participantId, proxy, null, 0));
        }
        // socket.io-client adds {pid, offset} to the auth payload when it reconnects after a recoverable session.
        String pid = auth.path("pid").isTextual() ? auth.get("pid").textValue() : null;
        String offset = auth.path("offset").isTextual() ? auth.get("offset").textValue() : null;
        RecoveryBook.Entry here = pid == null ? null : recovery.claim(pid, offset, participantId);
        if (here != null) {
            long after = offset == null ? 0 : Long.parseLong(offset);
            return CompletableFuture.completedFuture(resumed(participantId, here, after));
        }
        if (pid != null && recovery.isForeign(pid)) {
            return handover.recover(pid, offset, participantId).thenApply(moved -> moved != null
                    ? resumed(participantId, moved, 0) : fresh(participantId, proxy));
        }
        return CompletableFuture.completedFuture(fresh(participantId, proxy));
    }

    private static SocketIdentity resumed(String participantId, RecoveryBook.Entry entry, long replayAfter) {
        return new SocketIdentity(entry.sessionId(), entry.pid(),
                new Admission(participantId, entry.proxy(), entry, replayAfter));
    }

    private SocketIdentity fresh(String participantId, boolean proxy) {
        String sessionId = RandomIds.next();
        RecoveryBook.Entry entry = recovery.open(participantId, sessionId, proxy);
        return new SocketIdentity(sessionId, entry.pid(), new Admission(participantId, proxy, entry, 0));
    }

    /** Makes the session routable before the CONNECT reply (see {@link SessionLifecycle#open}). */
    private CompletionStage<?> open(SioSocket socket) {
        Admission admission = (Admission) socket.principal();
        return lifecycle.open(admission.participantId(), socket.id(), socket.eio().sid(), admission.proxy(),
                socket.eio().transport().wireName, socket.eio().loop(), socket.eio()::isOpen,
                (session, limiter) -> new SocketIoConnection(socket, session, limiter, admission.recovery()))
                .handle((connection, failure) -> {
                    if (failure != null) {
                        Refusal refusal = Refusal.of(failure);
                        throw refusal(refusal.code(), refusal.getMessage());
                    }
                    socket.attach(connection);
                    return connection;
                });
    }

    /** After the CONNECT reply: what the recovered session missed, then the {@code session} event. */
    private void welcome(SioSocket socket) {
        Admission admission = (Admission) socket.principal();
        if (admission.recovery() != null) {
            recovery.attach(admission.recovery(), socket, admission.replayAfter());
        }
        socket.emit(SESSION_EVENT, SessionLifecycle.describe(((Connection) socket.attachment()).session()));
    }

    private void close(SioSocket socket, String reason) {
        if (socket.attachment() instanceof SocketIoConnection connection) {
            if (connection.recovery() != null) {
                recovery.detach(connection.recovery()); // first: no message may fall between live and detached
            }
            lifecycle.close(connection, reason);
        }
    }

    private void onMessage(SioSocket socket, ArrayNode args, SioAck ack) {
        if (!(socket.attachment() instanceof SocketIoConnection connection)) {
            return;
        }
        JsonNode event = args.isEmpty() ? null : args.get(0);
        intake.submit(connection.session(), event, connection.rateLimiter()).whenComplete((id, failure) -> {
            if (failure == null) {
                if (ack != null) {
                    ack.send(JsonNodeFactory.instance.objectNode().put("ok", true).put("id", id));
                }
                return;
            }
            refuse(socket, ack, event, Refusal.of(failure));
        });
    }

    /** An event of another name: to the engine when {@code CLIENT_EVENTS} allows it, acked {@code {"ok":true}}. */
    private void onOtherEvent(SioSocket socket, String name, ArrayNode args, SioAck ack) {
        if (!clientEvents.allows(name)) {
            refuse(socket, ack, null, new Refusal(ErrorCode.UNKNOWN_EVENT,
                    "unknown event; clients may send: " + clientEvents.withOthers(MESSAGE_EVENT)));
            return;
        }
        if (!(socket.attachment() instanceof SocketIoConnection connection)) {
            return;
        }
        JsonNode payload = args.isEmpty() ? null : args.get(0);
        intake.submitNamed(connection.session(), name, payload, null, connection.rateLimiter())
                .whenComplete((accepted, failure) -> {
                    if (failure != null) {
                        refuse(socket, ack, null, Refusal.of(failure));
                    } else if (ack != null) {
                        ack.send(JsonNodeFactory.instance.objectNode().put("ok", true));
                    }
                });
    }

    /** Answers a refused event: by its ack when the client asked for one, else by an {@code error} event. */
    private static void refuse(SioSocket socket, SioAck ack, JsonNode event, Refusal refusal) {
        ObjectNode error = refusal.code().body(refusal.getMessage());
        if (ack != null) {
            ack.send(JsonNodeFactory.instance.objectNode().put("ok", false).set("error", error));
            return;
        }
        JsonNode eventId = event == null ? null : event.get("id");
        if (eventId != null && eventId.isTextual()) {
            error.set("id", eventId);
        }
        socket.emit(ERROR_EVENT, error);
    }

    private static ConnectRefusedException refusal(ErrorCode code, String message) {
        return new ConnectRefusedException(message, JsonNodeFactory.instance.objectNode().put("code", code.wire));
    }
}
