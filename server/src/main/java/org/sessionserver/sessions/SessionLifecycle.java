package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.BiFunction;
import org.sessionserver.bridge.SessionDirectory;
import org.sessionserver.bridge.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and closes sessions the same way whatever the transport: the participant's connection limit, the local
 * registry, the directory, the rate limiter, the disconnect metric.
 */
public final class SessionLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

    private final SessionSettings settings;
    private final LocalSessions sessions;
    private final SessionDirectory directory;
    private final ServerMetrics metrics;

    public SessionLifecycle(SessionSettings settings, LocalSessions sessions, SessionDirectory directory,
                            ServerMetrics metrics) {
        this.settings = settings;
        this.sessions = sessions;
        this.directory = directory;
        this.metrics = metrics;
    }

    /** Whether the participant may open one more connection here. */
    public boolean hasRoomFor(String participantId) {
        return sessions.connectionCount(participantId) < settings.maxConnectionsPerParticipant();
    }

    /**
     * Opens a session on this node.
     *
     * @param connect builds the transport's connection for the session and its rate limiter
     * @return the connection, or null when the participant already holds its maximum of connections here
     */
    public <C extends Connection> C open(String participantId, String sessionId, String channelId, boolean proxy,
                                         String transport, BiFunction<SessionRecord, RateLimiter, C> connect) {
        SessionRecord session = new SessionRecord(participantId, sessionId, channelId, settings.nodeId(), proxy,
                transport, Instant.now().toString());
        C connection = connect.apply(session, new RateLimiter(settings.rateLimitPerSec(), settings.rateLimitBurst()));
        if (!sessions.tryAdd(connection, settings.maxConnectionsPerParticipant())) {
            return null;
        }
        directory.register(session).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("session {} not in the directory: {}", session.sessionId(), failure.toString());
            }
        });
        return connection;
    }

    public void close(Connection connection, String reason) {
        sessions.remove(connection);
        directory.unregister(connection.session());
        metrics.disconnected(reason);
    }

    /** What a client is told of its session: the Socket.IO {@code session} event, the raw {@code hello_ack}. */
    public static ObjectNode describe(SessionRecord session) {
        return JsonNodeFactory.instance.objectNode()
                .put("participantId", session.participantId())
                .put("sessionId", session.sessionId())
                .put("channelId", session.channelId())
                .put("nodeId", session.nodeId())
                .put("proxy", session.proxy());
    }
}
