package org.sessionserver.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.ClusterBus;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;
import org.sessionserver.sessions.SessionListener;
import org.sessionserver.transport.engineio.EioSocket;
import org.sessionserver.transport.socketio.SioAck;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the socket.io admin UI ({@code @socket.io/admin-ui}, protocol of its {@code lib/index.ts}) on
 * the {@code /admin} namespace. An admin socket gets its login {@code session}, the {@code config} (what it may do),
 * {@code all_sockets} (every session of the cluster, {@link SocketListing}), then the feed: every node's
 * {@code server_stats} every two seconds and what happens to sessions ({@link LiveView}). Its {@code _disconnect},
 * {@code join} and {@code leave} are {@link AdminActions}; read-only, they are not listened to. Admin sockets are no
 * sessions: they are not in the directory, have no participant, and nothing they send reaches the engine.
 */
public final class AdminUi implements AutoCloseable {
    public static final String NAMESPACE = "/admin";
    private static final Logger log = LoggerFactory.getLogger(AdminUi.class);
    /** The package's features ({@code lib/typed-events.ts}) that our actions serve; AGGREGATED_EVENTS is not sent. */
    private static final List<String> ACTIONS = List.of("DISCONNECT", "JOIN", "LEAVE", "MJOIN", "MLEAVE",
            "MDISCONNECT");

    /**
     * @param readOnly the UI may look, not act
     * @param events   whether clients' events are shown ({@code event_received}, the ALL_EVENTS feature)
     */
    public record Settings(String nodeId, String username, String passwordHash, boolean readOnly, boolean events) {
    }

    /** What the admin UI reads and acts on. */
    public record Cluster(ClusterBus bus, ClusterCalls calls, SessionReads directory, Topics topics,
                          ClusterDisconnects disconnects) {
    }

    /** This node's sessions and Engine.IO clients (a live view). */
    public record Node(LocalSessions sessions, LocalTopics topics, Collection<EioSocket> clients) {
    }

    private static final int PENDING_LOGINS = 16;

    private final Settings settings;
    private final SocketListing listing;
    private final AdminActions actions;
    private final AdminFeed feed;
    private final LiveView live;
    private final ServerStats stats;
    private final ScheduledExecutorService statsTimer = daemon("admin-ui-stats");
    /** bcrypt, one login at a time and at most {@value #PENDING_LOGINS} waiting: a flood of guesses is refused. */
    private final ExecutorService verifier = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(PENDING_LOGINS), runnable -> {
                Thread thread = new Thread(runnable, "admin-ui-login");
                thread.setDaemon(true);
                return thread;
            });

    public AdminUi(Settings settings, SioNamespace namespace, Cluster cluster, Node node) {
        this.settings = settings;
        this.listing = new SocketListing(settings.nodeId(), cluster.directory(), cluster.calls(), node.sessions(),
                node.topics());
        this.actions = new AdminActions(cluster.directory(), cluster.disconnects(), cluster.topics());
        this.feed = new AdminFeed(cluster.bus(), namespace);
        this.live = new LiveView(feed, node.sessions(), node.topics());
        this.stats = new ServerStats(settings.nodeId(), node.clients(), node.sessions()::connections, namespace);
        AdminLogin login = new AdminLogin(settings.username(), settings.passwordHash(),
                new AdminSessions(System::nanoTime), verifier);
        namespace.gate(login).onConnect(this::welcome);
        if (!settings.readOnly()) {
            namespace.on("_disconnect", (socket, event, args, ack) -> act(socket, "disconnect", null, text(args, 2),
                            actions.disconnect(text(args, 2)), ack))
                    .on("join", (socket, event, args, ack) -> act(socket, "join", text(args, 1), text(args, 2),
                            actions.join(args.path(1).asText(), text(args, 2)), ack))
                    .on("leave", (socket, event, args, ack) -> act(socket, "leave", text(args, 1), text(args, 2),
                            actions.leave(args.path(1).asText(), text(args, 2)), ack));
        }
        statsTimer.scheduleWithFixedDelay(this::tellStats, 0, ServerStats.INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** A failure must not end the schedule (the UI would call this node unhealthy for good). */
    private void tellStats() {
        try {
            feed.tell("server_stats", stats.now());
        } catch (RuntimeException e) {
            log.warn("admin UI: stats not sent: {}", e.toString());
        }
    }

    /** Tells the admin UI of the sessions this node opens and closes. */
    public SessionListener sessionListener() {
        return live;
    }

    /** Tells the admin UI of the topic change this node applied. */
    public void topicChanged(TopicChange change) {
        live.topicChanged(change);
    }

    /** Tells the admin UI of an event the bus took, when {@code ADMIN_EVENTS} asks for them. */
    public void eventAccepted(EventEnvelope envelope) {
        if (settings.events()) {
            live.eventAccepted(envelope);
        }
    }

    /** What {@code config} says the UI may do. */
    ObjectNode config() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        ArrayNode features = config.putArray("supportedFeatures");
        if (!settings.readOnly()) {
            ACTIONS.forEach(features::add);
        }
        if (settings.events()) {
            features.add("ALL_EVENTS");
        }
        return config;
    }

    private void welcome(SioSocket socket) {
        if (socket.principal() instanceof AdminLogin.Admitted admitted && admitted.newSessionId() != null) {
            socket.emit("session", admitted.newSessionId());
        }
        socket.emit("config", config());
        socket.emit("server_stats", stats.now());
        listing.all().whenComplete((sockets, failure) -> {
            if (failure != null) {
                log.warn("admin UI: the sessions could not be listed: {}", failure.toString());
                return;
            }
            socket.emit("all_sockets", sockets);
        });
    }

    /** Runs an action, logged with who asked from where (an operator's trail), and answers its ack if any. */
    private static void act(SioSocket admin, String action, String room, String filter, CompletionStage<?> done,
                            SioAck ack) {
        log.info("admin UI {} from {}: {}{}", action, admin.handshake().http().remoteAddress(),
                filter == null ? "every session" : filter, room == null ? "" : ", room " + room);
        done.whenComplete((result, failure) -> {
            if (failure != null) {
                log.warn("admin UI {} failed: {}", action, failure.toString());
            }
            if (ack != null) {
                ack.send(failure == null);
            }
        });
    }

    /** The argument at {@code index} when it is a string, else null (the UI leaves the filter out). */
    private static String text(ArrayNode args, int index) {
        JsonNode value = args.get(index);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void close() {
        statsTimer.shutdownNow();
        verifier.shutdownNow();
    }
}
