package org.sessionserver.bus.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.event.Event;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * One Lettuce client for a {@link RedisDeployment}, with the options that make a failover short: reconnects at most
 * a second apart, a 1 s connect timeout, a command timeout, and in a cluster the topology reloaded on Lettuce's
 * adaptive triggers and on ours ({@link #commandFailed}), every {@link #TOPOLOGY_REFRESH} besides, dropping nodes
 * marked FAIL so that commands queued for a dead master are re-routed. While a connection to one server or a Sentinel
 * master is down its commands fail at once (never queued), so callers can refuse instead of hanging; in a cluster they
 * wait for the new master, up to the command timeout.
 */
final class RedisLink implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * The periodic topology reload, a safety net only: each one opens a connection to every node of the cluster,
     * asks it CLUSTER NODES and INFO, and closes it, which cost an idle node more CPU than its share of the traffic
     * when it ran every 5 s. Failovers and slot moves are seen at once by the adaptive triggers instead (MOVED and ASK
     * redirects, reconnect attempts to a lost node, uncovered slots) and by {@link #commandFailed}.
     */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(60);
    /**
     * The tick of Lettuce's timer (command timeouts, reconnect delays), 100 ms by default: ten wake-ups a second of an
     * otherwise idle node, each ~100 us of CPU on a small VM. A timeout or a reconnect now comes at most this much
     * later than asked, against a command timeout of seconds and reconnects 50 ms to 1 s apart.
     */
    static final Duration TIMER_TICK = Duration.ofMillis(250);
    /** At most one topology reload this often on Lettuce's adaptive triggers, and on ours. */
    private static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final RedisDeployment deployment;
    private final HashedWheelTimer timer = new HashedWheelTimer(new DefaultThreadFactory("lettuce-timer", true),
            TIMER_TICK.toMillis(), TimeUnit.MILLISECONDS);
    private final ClientResources resources;
    private final PubSubReading pubSubReading = new PubSubReading();
    private final RedisClient client;
    private final RedisClusterClient cluster;
    /** In a cluster: a client for connections to single nodes that never reconnect ({@link MasterConnections}). */
    private final RedisClient nodes;
    private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - ADAPTIVE_REFRESH_TIMEOUT.toNanos());

    private RedisLink(RedisDeployment deployment, Duration commandTimeout, EventLoopGroup loops) {
        this.deployment = deployment;
        DefaultClientResources.Builder builder = commonResources();
        if (loops != null) {
            builder.eventLoopGroupProvider(new GivenEventLoops(loops));
        }
        this.resources = builder.nettyCustomizer(pubSubReading).build();
        if (deployment.isCluster()) {
            this.client = null;
            this.nodes = RedisClient.create(resources);
            nodes.setOptions(failingFast(false, commandTimeout));
            this.cluster = RedisClusterClient.create(resources, deployment.uris());
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    // Not REJECT_COMMANDS: since 7.7.0 (#3782) it also rejects the first commands to a node whose
                    // connection is still being made, which every node's is at first and a promoted replica's is
                    // after a failover. Commands for a dead master wait instead, up to the command timeout, and are
                    // re-routed to its successor when the topology refresh closes its connection as stale (not a
                    // write that a WAIT must follow: MasterConnections).
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socketOptions())
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
                            .refreshTriggersReconnectAttempts(2)
                            .dynamicRefreshSources(true)
                            .closeStaleConnections(true)
                            .build())
                    // A killed master stays in CLUSTER NODES as "master,fail": without this its connection is never
                    // stale and the commands queued for it wait for their timeout (lettuce#1942).
                    .nodeFilter(node -> !node.is(RedisClusterNode.NodeFlag.FAIL)
                            && !node.is(RedisClusterNode.NodeFlag.NOADDR))
                    .maxRedirects(5)
                    .build());
        } else {
            this.cluster = null;
            this.nodes = null;
            this.client = RedisClient.create(resources, deployment.uri());
            client.setOptions(failingFast(true, commandTimeout));
        }
    }

    /** A client with Lettuce's own I/O threads. */
    static RedisLink open(RedisDeployment deployment, Duration commandTimeout) {
        return new RedisLink(deployment, commandTimeout, null);
    }

    /** A client whose connections live on {@code loops}, which the caller stops after {@link #close}. */
    static RedisLink open(RedisDeployment deployment, Duration commandTimeout, EventLoopGroup loops) {
        return new RedisLink(deployment, commandTimeout, loops);
    }

    /**
     * A client whose connections all live on {@code loop}, sharing this client's timer; closed with {@link
     * #closeOnLoop}. For one server or a Sentinel set it connects as this client does; in a cluster it has no URI of
     * its own (connect it to a master's {@link #nodeUri}) and never reconnects: a connection that drops stays closed,
     * and the caller opens one to whichever node the topology names then.
     */
    RedisClient clientOnLoop(EventLoop loop, Duration commandTimeout) {
        ClientResources onLoop = commonResources()
                .eventLoopGroupProvider(new GivenEventLoops(loop))
                .eventExecutorGroup(resources.eventExecutorGroup())
                .build();
        if (client != null) {
            RedisClient onLoopClient = RedisClient.create(onLoop, deployment.uri());
            onLoopClient.setOptions(client.getOptions());
            return onLoopClient;
        }
        RedisClient onLoopClient = RedisClient.create(onLoop);
        onLoopClient.setOptions(failingFast(false, commandTimeout));
        return onLoopClient;
    }

    /**
     * The master that serves {@code channel}'s slot as this client's topology has it; null outside a cluster, or while
     * no master serves it.
     */
    RedisClusterNode masterOf(String channel) {
        return cluster == null ? null : cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
    }

    /** A cluster node's URI: the seed's credentials and TLS, the node's host and port. */
    RedisURI nodeUri(RedisClusterNode node) {
        return RedisURI.builder(deployment.uris().get(0))
                .withHost(node.getUri().getHost())
                .withPort(node.getUri().getPort())
                .build();
    }

    /**
     * Options of connections to single servers: a command fails at once while its connection is down, and one in
     * flight when it drops fails too (never queued, never sent again), so callers can refuse instead of hanging.
     */
    private static ClientOptions failingFast(boolean autoReconnect, Duration commandTimeout) {
        return ClientOptions.builder()
                .autoReconnect(autoReconnect)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(socketOptions())
                .build();
    }

    private static SocketOptions socketOptions() {
        return SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
    }

    /** What every client of this link shares: reconnect pace, timer, no latency histograms. */
    private DefaultClientResources.Builder commonResources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .timer(timer)
                // With HdrHistogram and LatencyUtils on the class path (micrometer brings them) Lettuce times every
                // command into a histogram per (address, command type) and publishes them as events nobody here reads.
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled());
    }

    static void closeOnLoop(RedisClient onLoop) {
        onLoop.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        onLoop.getResources().shutdown(0, 2, TimeUnit.SECONDS);
    }

    RedisDeployment deployment() {
        return deployment;
    }

    AbstractRedisClient client() {
        return client != null ? client : cluster;
    }

    /**
     * A command connection of its own; fails with a RedisConnectionException when Redis cannot be reached now. In a
     * cluster each failure of its commands goes to {@link #commandFailed}.
     */
    DataConnection connect() {
        return client != null ? DataConnection.of(client.connect())
                : DataConnection.of(cluster.connect(), this::commandFailed, new MasterConnections(this, nodes));
    }

    /**
     * A command of ours failed with {@code failure}. In a cluster, two failures mean the topology this client knows is
     * stale, and Lettuce's adaptive triggers see neither: a MOVED on a master's own connection ({@link
     * DataConnection#masterOf}: the slot moved; Lettuce follows redirects, and learns from them, only for the commands
     * it routes itself), and a master that cannot be connected to at all (it died before this client had a connection
     * to it, so no reconnect attempt triggers a reload). Either reloads the topology now, rather than at the next
     * periodic reload ({@link #TOPOLOGY_REFRESH}).
     */
    void commandFailed(Throwable failure) {
        if (cluster == null) {
            return;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisConnectionException || cause instanceof RedisCommandExecutionException
                    && String.valueOf(cause.getMessage()).startsWith("MOVED")) {
                refreshTopology();
                return;
            }
        }
    }

    /** Reloads the cluster's topology now, unless a reload began less than {@link #ADAPTIVE_REFRESH_TIMEOUT} ago. */
    void refreshTopology() {
        long now = System.nanoTime();
        long last = lastRefresh.get();
        if (cluster == null || now - last < ADAPTIVE_REFRESH_TIMEOUT.toNanos() || !lastRefresh.compareAndSet(last, now)) {
            return;
        }
        cluster.refreshPartitionsAsync().whenComplete((done, failure) -> {
            if (failure != null) {
                log.debug("reloading the cluster topology failed: {}", failure.toString());
            }
        });
    }

    /** Stops and resumes reading this client's pub/sub connections. */
    PubSubReading pubSubReading() {
        return pubSubReading;
    }

    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client != null ? client.connectPubSub() : cluster.connectPubSub();
    }

    /**
     * Where a sharded channel lives now: the {@code host:port} of its slot's master in a cluster; "" elsewhere (one
     * master serves every channel).
     */
    static String ownerOf(StatefulRedisPubSubConnection<String, String> pubSub, String channel) {
        if (!(pubSub instanceof StatefulRedisClusterPubSubConnection<String, String> clustered)) {
            return "";
        }
        Partitions partitions = clustered.getPartitions();
        return hostPort(partitions.getMasterBySlot(SlotHash.getSlot(channel)));
    }

    /** A cluster node's {@code host:port} as the topology names it; null for none. */
    static String hostPort(RedisClusterNode node) {
        return node == null || node.getUri() == null ? null : node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    /** Lettuce's events (connections activated and deactivated, cluster topology changes), on a Lettuce thread. */
    Disposable onEvent(Consumer<Event> listener) {
        return resources.eventBus().get().subscribe(listener::accept);
    }

    @Override
    public void close() {
        if (nodes != null) {
            nodes.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        timer.stop(); // a timer given to Lettuce is ours to stop
    }
}
