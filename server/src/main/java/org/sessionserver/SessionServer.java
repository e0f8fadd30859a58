package org.sessionserver;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.sessionserver.admin.AdminUi;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.config.TlsConfig;
import org.sessionserver.gateways.RawWebSocketGateway;
import org.sessionserver.gateways.SocketIoGateway;
import org.sessionserver.httpapi.HttpApi;
import org.sessionserver.intake.ClientEvents;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.intake.EventValidator;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.routing.Backlog;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.routing.ClusterRequests;
import org.sessionserver.routing.MessageRouter;
import org.sessionserver.routing.PublishGate;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;
import org.sessionserver.sessions.RecoveryBook;
import org.sessionserver.sessions.RecoveryHandover;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.sessions.SessionSettings;
import org.sessionserver.transport.TransportServer;
import org.sessionserver.transport.engineio.EioOptions;
import org.sessionserver.transport.engineio.EioServer;
import org.sessionserver.transport.http.CorsPolicy;
import org.sessionserver.transport.http.HttpRoute;
import org.sessionserver.transport.http.HttpRouter;
import org.sessionserver.transport.rawws.RawWebSocketEndpoint;
import org.sessionserver.transport.socketio.SioOptions;
import org.sessionserver.transport.socketio.SioServer;
import org.sessionserver.transport.tls.ServerTls;
import org.sessionserver.transport.tls.TlsFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node of the session server: wires the bus, the sessions, the transports and the HTTP API, and runs them. */
public final class SessionServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionServer.class);
    static final String SOCKET_IO_PATH = "/socket.io/";

    private final ServerConfig config;
    private final BusWiring wiring;
    private final EngineBus bus;
    private final EventIntake intake;
    private final LocalSessions sessions;
    private final LocalTopics topics;
    private final RecoveryBook recovery;
    private final EioServer engineIo;
    private final RawWebSocketEndpoint rawWebSocket;
    private final TransportServer transport;
    /** The event loops of the client connections and of Redis's: shared, so that no message changes threads. */
    private final EventLoopGroup loops;
    private final ServerTls tls;
    private final Authenticator authenticator;
    private final SessionLifecycle lifecycle;
    private final AdminUi adminUi;
    private final PublishGate gate;
    private volatile boolean draining;

    private SessionServer(ServerConfig config, EventLoopGroup loops) {
        this.config = config;
        this.tls = loadTls(config.tls()); // first: a bad file stops the start before anything runs
        this.loops = loops;
        this.wiring = BusWiring.from(config, loops);
        this.bus = wiring.bus();
        SessionDirectory directory = wiring.directory();

        ServerMetrics metrics = new ServerMetrics();
        wiring.cluster().onMissed(metrics::busMissed);
        this.topics = new LocalTopics(wiring.topics(), wiring.bus());
        // The listener is set before traffic; the admin UI, built further down, watches the changes through it.
        AtomicReference<Consumer<TopicChange>> topicWatcher = new AtomicReference<>(change -> { });
        wiring.topics().onChange(change -> {
            CompletableFuture<Void> applied = topics.apply(change);
            topicWatcher.get().accept(change);
            return applied;
        });
        wiring.onReconnect(() -> {
            metrics.busReconnected();
            log.warn("back on Redis after an outage: engine messages published meanwhile were not received");
            topics.reloadAll();
        });
        // A failover or a slot moved to another master loses what was published on the sharded channels of the
        // slots concerned, with or without an outage of this node: each channel counts; one line per 10 s says so
        // (a failover subscribes again every channel of a master at once).
        AtomicLong lastGapLine = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
        wiring.onResubscribed(channel -> {
            metrics.busResubscribed();
            long now = System.nanoTime();
            long last = lastGapLine.get();
            if (now - last >= TimeUnit.SECONDS.toNanos(10) && lastGapLine.compareAndSet(last, now)) {
                log.warn("sharded channel {} subscribed again after a gap (failover, slot moved or reconnect): "
                        + "engine messages published there meanwhile were not received "
                        + "(sessions_bus_resubscribed_total counts every channel)", channel);
            }
        });
        this.sessions = new LocalSessions(config.nodeId(), topics);
        metrics.gauges(sessions::connections, sessions::participants);
        metrics.topicGauges(topics::topics, topics::memberships);
        metrics.busGauge(() -> bus.status().up());
        SessionSettings settings = new SessionSettings(config.nodeId(),
                config.limits().maxConnectionsPerParticipant(), config.limits().rateLimitPerSec(),
                config.limits().rateLimitBurst(), config.engineLifecycle());
        this.authenticator = config.auth().newAuthenticator();
        this.intake = new EventIntake(new EventValidator(config.limits().maxMessageSize()), bus, metrics);
        this.recovery = new RecoveryBook(config.timing().recoveryWindowMs(), config.nodeId(), sessions);
        Backlog backlog = new Backlog();
        this.gate = PublishGate.start(backlog, config.backlog().limitBytes(), config.backlog().waitMs(), metrics);
        gate.onBehind(bus::pauseMessages);
        bus.onMessage(new MessageRouter(sessions, metrics, backlog)::route);
        ClusterCalls calls = new ClusterCalls(wiring.cluster());
        ClusterRequests requests = new ClusterRequests(calls, sessions, config.nodeId());
        ClusterDisconnects disconnects = new ClusterDisconnects(calls, sessions, config.nodeId());

        int maxPayload = maxPayload(config.limits().maxMessageSize());
        CorsPolicy cors = config.anyOrigin() ? CorsPolicy.ANY_ORIGIN : new CorsPolicy(Set.copyOf(config.corsOrigins()));
        SioServer socketIo = new SioServer(SioOptions.forMaxPayload(SioOptions.DEFAULT_CONNECT_TIMEOUT_MS, maxPayload));
        SessionLifecycle lifecycle = new SessionLifecycle(settings, sessions, directory, bus, metrics);
        this.lifecycle = lifecycle;
        wiring.onReconnect(lifecycle::tellAgain);
        RecoveryHandover handover = new RecoveryHandover(calls, !config.redis().isEmbedded(), recovery);
        ClientEvents clientEvents = clientEvents(config);
        new SocketIoGateway(authenticator, lifecycle, recovery, handover, intake, clientEvents).bind(socketIo.of("/"));
        this.engineIo = new EioServer(new EioOptions(SOCKET_IO_PATH, config.timing().pingIntervalMs(),
                config.timing().pingTimeoutMs(), maxPayload, cors), socketIo::attach);
        this.rawWebSocket = new RawWebSocketEndpoint(
                new RawWebSocketGateway(authenticator, lifecycle, intake, clientEvents), maxPayload,
                config.timing().pingIntervalMs(), config.timing().pingTimeoutMs(), cors);
        this.adminUi = config.admin().enabled() ? new AdminUi(new AdminUi.Settings(config.nodeId(),
                config.admin().username().orElseThrow(), config.admin().passwordHash().orElseThrow(),
                config.admin().readOnly(), config.admin().events()), socketIo.of(AdminUi.NAMESPACE),
                new AdminUi.Cluster(wiring.cluster(), calls, directory, wiring.topics(), disconnects),
                new AdminUi.Node(sessions, topics, engineIo.sessions())) : null;
        if (adminUi != null) {
            lifecycle.listen(adminUi.sessionListener());
            topicWatcher.set(adminUi::topicChanged);
            intake.onAccepted(adminUi::eventAccepted);
        }
        Map<String, HttpRoute> routes = new HashMap<>(HttpApi.routes(settings,
                config.engine().name().toLowerCase(Locale.ROOT), config.engineKey().orElse(null),
                authenticator, intake, bus, directory, wiring.topics(), sessions, requests,
                disconnects, lifecycle, metrics, gate, () -> draining));
        engineIo.paths().forEach(path -> routes.put(path, engineIo));
        config.rawWsPaths().forEach(path -> routes.put(freePath(routes, path), rawWebSocket));
        HttpRouter router = new HttpRouter(routes, cors);
        this.transport = TransportServer.start("0.0.0.0", config.port(), loops, router, maxPayload, tls);
    }

    /** A path of {@code RAW_WS_PATHS} that no other route serves; one that another route serves stops the start. */
    private static String freePath(Map<String, HttpRoute> routes, String path) {
        for (String taken : routes.keySet()) {
            boolean prefix = taken.endsWith("/*") && path.startsWith(taken.substring(0, taken.length() - 1));
            if (taken.equals(path) || prefix) {
                throw new ConfigException("RAW_WS_PATHS", path + " is served by another route (" + taken
                        + "); pick a path of its own");
            }
        }
        return path;
    }

    /** The certificate and key, read and checked; a bad file is a {@link ConfigException} naming its variable. */
    private static ServerTls loadTls(TlsConfig settings) {
        if (!settings.enabled()) {
            return null;
        }
        try {
            return ServerTls.load(settings.certFile().orElseThrow(), settings.keyFile().orElseThrow());
        } catch (TlsFileException e) {
            throw new ConfigException(e.culprit() == TlsFileException.Culprit.KEY ? "TLS_KEY_FILE" : "TLS_CERT_FILE",
                    e.getMessage());
        }
    }

    /** Starts a node; throws {@link ConfigException} when a setting cannot work. */
    public static SessionServer start(ServerConfig config) {
        EventLoopGroup loops = TransportServer.newEventLoops(Runtime.getRuntime().availableProcessors());
        SessionServer server;
        try {
            server = new SessionServer(config, loops);
        } catch (RuntimeException | Error e) {
            TransportServer.stopEventLoops(loops);
            throw e;
        }
        log.info("session server {} listening on port {} ({}, bus {}, engine {}, auth {})", config.nodeId(),
                server.port(), server.tls == null ? "http" : "https only, TLS by " + server.tls.engine(),
                server.bus.status().kind(), config.engine().name().toLowerCase(Locale.ROOT),
                config.auth().mode().name().toLowerCase(Locale.ROOT));
        if (config.engine() == ServerConfig.EngineMode.DISCARD) {
            log.warn("ENGINE=discard: events are acknowledged and dropped, no engine reads them");
        }
        return server;
    }

    /** {@code CLIENT_EVENTS}, checked: a name that cannot be allowed stops the start with a one-line reason. */
    private static ClientEvents clientEvents(ServerConfig config) {
        try {
            return ClientEvents.of(config.clientEvents());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("CLIENT_EVENTS", e.getMessage());
        }
    }

    /**
     * The Engine.IO payload limit: room for an event somewhat over {@code MAX_MESSAGE_SIZE}, so that it is refused
     * as {@code too_large} with the connection kept, rather than dropped at the transport.
     */
    static int maxPayload(int maxMessageSize) {
        return Math.max(EioOptions.DEFAULT_MAX_PAYLOAD, 2 * maxMessageSize + 1024);
    }

    public int port() {
        return transport.port();
    }

    public String nodeId() {
        return config.nodeId();
    }

    /**
     * Reads {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} again (what SIGHUP does): new connections get the new
     * certificate, open ones keep theirs; a bad file keeps the old certificate, and the log says why.
     *
     * @return whether the new certificate is in use (false also without TLS)
     */
    public boolean reloadTls() {
        return tls != null && tls.reload();
    }

    /**
     * Drains, then stops, within {@code DRAIN_TIMEOUT_MS}: {@code /health} turns 503 "draining" and new connections
     * are refused; new events are refused as {@code unavailable} (clients retry on their next node) while the
     * events already taken get their acks; then Socket.IO sessions are closed at the transport, so that clients
     * reconnect (elsewhere, behind a load balancer), and raw WebSockets with 1001; in a cluster the node then stays
     * on the bus until the recoverable sessions were handed over to the nodes their clients came back to. Nothing
     * accepted is lost: an event is only acked once the bus holds it.
     */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timing().drainTimeoutMs());
        Duration budget = Duration.ofMillis(config.timing().drainTimeoutMs());
        engineIo.stopOpening();
        rawWebSocket.stopAccepting();
        intake.stopAccepting();
        if (!intake.awaitIdle(budget.dividedBy(2))) {
            log.warn("drain: some events were still on their way to the bus after {} ms", budget.toMillis() / 2);
        }
        engineIo.closeAll("server shutting down");
        rawWebSocket.closeAll();
        if (!config.redis().isEmbedded()) {
            // Recoverable clients reconnect to other nodes, which ask this one for their missed messages.
            while (recovery.sessions() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        transport.close();
        gate.close();
        if (!lifecycle.awaitTold(Duration.ofNanos(Math.max(deadline - System.nanoTime(),
                TimeUnit.SECONDS.toNanos(1))))) {
            log.warn("drain: the engines were not told every session closed");
        }
        if (adminUi != null) {
            adminUi.close();
        }
        recovery.close();
        if (authenticator instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("authenticator close: {}", e.toString());
            }
        }
        topics.close();
        wiring.close();
        TransportServer.stopEventLoops(loops);
        log.info("session server {} stopped", config.nodeId());
    }
}
