package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and closes sessions the same way whatever the transport: the participant's connection limit, the local
 * registry, the directory, the rate limiter, the disconnect metric, and with {@code ENGINE_LIFECYCLE} what the
 * engines are told ({@link EngineBus#tellOpened}), including the sessions of dead nodes that the directory sweeps.
 */
public final class SessionLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

    private final SessionSettings settings;
    private final LocalSessions sessions;
    private final SessionDirectory directory;
    private final LifecycleTeller teller;
    private final ServerMetrics metrics;
    private volatile SessionListener listener = SessionListener.NONE;

    public SessionLifecycle(SessionSettings settings, LocalSessions sessions, SessionDirectory directory,
                            EngineBus bus, ServerMetrics metrics) {
        this.settings = settings;
        this.sessions = sessions;
        this.directory = directory;
        this.teller = new LifecycleTeller(settings.engineLifecycle(), bus);
        this.metrics = metrics;
        directory.onSessionsLost(teller::lost);
    }

    /** Tells {@code listener} of every session opened and closed from now on (one listener; set before traffic). */
    public void listen(SessionListener listener) {
        this.listener = listener;
    }

    /** Whether the participant may open one more connection here. */
    public boolean hasRoomFor(String participantId) {
        return sessions.connectionCount(participantId) < settings.maxConnectionsPerParticipant();
    }

    /**
     * Opens a session on this node so that it is routable before its client can know it is connected: first the
     * directory entry and the participant's topics (awaited: with Redis, one round trip), then the local index; the
     * caller tells its client (CONNECT reply, {@code hello_ack}) only after that. A message published once the client
     * has seen its connect therefore finds the session, on this node and from any other, by participant or by topic.
     * A failed directory write does not refuse the session: the directory's heartbeat writes it again once Redis is
     * back. With {@code ENGINE_LIFECYCLE} the engines are told the session opened once it is routable here and
     * before its client can send an event, so that {@code session.opened} comes before the session's first event.
     *
     * @param loop      the connection's event loop: the result completes there, in the task that added the session to
     *                  the local index, so that the caller's reply follows before any message can be written
     * @param stillOpen whether the transport is still open (checked on the loop before the session is added)
     * @param connect   builds the transport's connection for the session and its rate limiter
     * @return the connection; or a failure: {@link Refusal} {@code forbidden} when the participant already holds its
     *         maximum of connections here, {@link CancellationException} when the transport closed meanwhile
     */
    public <C extends Connection> CompletableFuture<C> open(String participantId, String sessionId, String channelId,
                                                           boolean proxy, String transport, EventExecutor loop,
                                                           BooleanSupplier stillOpen,
                                                           BiFunction<SessionRecord, RateLimiter, C> connect) {
        return open(newSession(participantId, sessionId, channelId, proxy, transport), loop, stillOpen, connect);
    }

    /** The record of a session about to open on this node, connected now. */
    public SessionRecord newSession(String participantId, String sessionId, String channelId, boolean proxy,
                                    String transport) {
        return new SessionRecord(participantId, sessionId, channelId, settings.nodeId(), proxy, transport,
                Instant.now().toString());
    }

    /** {@link #open(String, String, String, boolean, String, EventExecutor, BooleanSupplier, BiFunction)} for a
     * record made by {@link #newSession} (and completed with what the client said of itself). */
    public <C extends Connection> CompletableFuture<C> open(SessionRecord session, EventExecutor loop,
                                                           BooleanSupplier stillOpen,
                                                           BiFunction<SessionRecord, RateLimiter, C> connect) {
        String participantId = session.participantId();
        CompletableFuture<C> opened = new CompletableFuture<>();
        CompletableFuture<Void> ready = sessions.readyFor(participantId); // its topics, read meanwhile
        directory.register(session).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("session {} not in the directory yet: {}", session.sessionId(), failure.toString());
            }
            ready.thenRun(() -> {
                if (loop.inEventLoop()) {
                    addLocally(session, stillOpen, connect, opened);
                } else {
                    loop.execute(() -> addLocally(session, stillOpen, connect, opened));
                }
            });
        });
        return opened;
    }

    private <C extends Connection> void addLocally(SessionRecord session, BooleanSupplier stillOpen,
                                                   BiFunction<SessionRecord, RateLimiter, C> connect,
                                                   CompletableFuture<C> opened) {
        if (!stillOpen.getAsBoolean()) {
            forget(session, "closed while opening");
            opened.completeExceptionally(new CancellationException("the connection closed while it opened"));
            return;
        }
        C connection = connect.apply(session, new RateLimiter(settings.rateLimitPerSec(), settings.rateLimitBurst()));
        if (!sessions.tryAdd(connection, settings.maxConnectionsPerParticipant())) {
            forget(session, "too many connections");
            opened.completeExceptionally(new Refusal(ErrorCode.FORBIDDEN, "too many connections for this participant"));
            return;
        }
        // Told once the session is routable here (an engine that answers session.opened reaches it), and before the
        // caller's reply lets its client send anything: its events go out on the same Redis connection after this.
        teller.opened(session);
        opened.complete(connection);
        listener.opened(session);
    }

    public void close(Connection connection, String reason) {
        sessions.remove(connection);
        forget(connection.session(), reason);
        metrics.disconnected(reason);
        listener.closed(connection.session(), reason);
    }

    /** The connection moved to another transport (a Socket.IO upgrade from polling to WebSocket). */
    public void upgraded(Connection connection) {
        listener.upgraded(connection.session(), connection.transport());
    }

    /** Waits until the engines were told every session closed so far (the node is stopping); false on timeout. */
    public boolean awaitTold(Duration timeout) {
        return teller.awaitTold(timeout);
    }

    /** Tells the engines again what Redis refused while it was away (called once it is back). */
    public void tellAgain() {
        teller.tellAgain();
    }

    private void forget(SessionRecord session, String reason) {
        directory.unregister(session);
        teller.closed(session, reason);
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
