package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.Credentials;
import org.sessionserver.bridge.SessionDirectory;
import org.sessionserver.bridge.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioAck;
import org.sessionserver.transport.socketio.SioHandshake;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioSocket;
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

    private static final Logger log = LoggerFactory.getLogger(SocketIoGateway.class);

    private final SessionSettings settings;
    private final Authenticator authenticator;
    private final LocalSessions sessions;
    private final SessionDirectory directory;
    private final EventIntake intake;
    private final ServerMetrics metrics;

    /** Who a CONNECT was admitted as; the socket's principal until the session opens. */
    private record Admission(String participantId, boolean proxy) {
    }

    public SocketIoGateway(SessionSettings settings, Authenticator authenticator, LocalSessions sessions,
                           SessionDirectory directory, EventIntake intake, ServerMetrics metrics) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.directory = directory;
        this.intake = intake;
        this.metrics = metrics;
    }

    public void bind(SioNamespace namespace) {
        namespace.gate(this::admit)
                .onConnect(this::open)
                .onDisconnect(this::close)
                .on(MESSAGE_EVENT, (socket, event, args, ack) -> onMessage(socket, args, ack));
    }

    private CompletionStage<Object> admit(SioHandshake handshake) {
        String token = Credentials.pick(handshake.auth(), handshake.http().queryParam("token"),
                handshake.http().header("authorization"));
        String participantId;
        try {
            participantId = authenticator.authenticate(token);
        } catch (AuthenticationException e) {
            log.debug("refused a connection from {}: {}", handshake.http().remoteAddress(), e.getMessage());
            throw refusal(ErrorCode.UNAUTHORIZED, "unauthorized");
        }
        if (sessions.connectionCount(participantId) >= settings.maxConnectionsPerParticipant()) {
            throw refusal(ErrorCode.FORBIDDEN, "too many connections for this participant");
        }
        boolean proxy = Credentials.proxyRequested(handshake.auth(), handshake.http().header("x-proxy-message"));
        return CompletableFuture.completedFuture(new Admission(participantId, proxy));
    }

    private void open(SioSocket socket) {
        Admission admission = (Admission) socket.principal();
        SessionRecord session = new SessionRecord(admission.participantId(), socket.id(), socket.engine().sid(),
                settings.nodeId(), admission.proxy(), socket.engine().transport().wireName, Instant.now().toString());
        SocketIoConnection connection = new SocketIoConnection(socket, session,
                new RateLimiter(settings.rateLimitPerSec(), settings.rateLimitBurst()));
        if (!sessions.tryAdd(connection, settings.maxConnectionsPerParticipant())) {
            socket.emit(ERROR_EVENT, ErrorCode.FORBIDDEN.body("too many connections for this participant"));
            socket.disconnect(true);
            return;
        }
        socket.attach(connection);
        directory.register(session).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("session {} not in the directory: {}", session.sessionId(), failure.toString());
            }
        });
        ObjectNode payload = JsonNodeFactory.instance.objectNode()
                .put("participantId", session.participantId())
                .put("sessionId", session.sessionId())
                .put("channelId", session.channelId())
                .put("nodeId", session.nodeId())
                .put("proxy", session.proxy());
        socket.emit(SESSION_EVENT, payload);
    }

    private void close(SioSocket socket, String reason) {
        if (socket.attachment() instanceof SocketIoConnection connection) {
            sessions.remove(connection);
            directory.unregister(connection.session());
            metrics.disconnected(reason);
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
            Refusal refusal = Refusal.of(failure);
            ObjectNode error = refusal.code().body(refusal.getMessage());
            if (ack != null) {
                ack.send(JsonNodeFactory.instance.objectNode().put("ok", false).set("error", error));
            } else {
                JsonNode eventId = event == null ? null : event.get("id");
                if (eventId != null && eventId.isTextual()) {
                    error.set("id", eventId);
                }
                socket.emit(ERROR_EVENT, error);
            }
        });
    }

    private static ConnectRefusedException refusal(ErrorCode code, String message) {
        return new ConnectRefusedException(message, JsonNodeFactory.instance.objectNode().put("code", code.wire));
    }
}
