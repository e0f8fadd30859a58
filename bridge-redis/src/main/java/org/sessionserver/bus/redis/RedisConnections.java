package org.sessionserver.bus.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * One node's link to Redis (one server, a Sentinel set or a Cluster: {@link RedisDeployment}): a command connection
 * and a pub/sub connection, shared by the bus, the directory and the cluster channel. Lettuce reconnects both by
 * itself (following a Sentinel or Cluster failover) and resubscribes the classic channels, but replays nothing;
 * sharded channels are kept by {@link ShardedSubscriptions}. While a connection is down, commands fail at once (never
 * queued), so callers can refuse instead of hanging.
 */
public final class RedisConnections implements AutoCloseable {
    /** A command that takes longer than this fails; the caller treats Redis as unavailable. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);

    private final RedisLink link;
    private final DataConnection commands;
    /** SPUBLISH from a server loop on that loop's own connection; null without the server's loops. */
    private final LoopPublishers loopPublishers;
    /** The command connection's commands; in a cluster each failure also goes to {@link RedisLink#commandFailed}. */
    private final RedisClusterAsyncCommands<String, String> async;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService timer;
    private final ShardedSubscriptions sharded;
    private final Disposable events;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean wasDown = new AtomicBoolean();
    /** Our pub/sub connections (a cluster's per node too), by the node they connected to: what a drop loses. */
    private final Map<RedisChannelHandler<?, ?>, String> pubSubNodes = new ConcurrentHashMap<>();

    private RedisConnections(RedisLink link, EventLoopGroup serverLoops) {
        this.link = link;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Only our own connections count: on a cluster, Lettuce's topology refresh opens and closes connections of
        // its own to every node each time, and taking those for outages resubscribed every channel and reloaded
        // every topic every 5 s. Our pub/sub connections (the node ones of a cluster too) are known by their type,
        // and their node by the address they connected to; a command connection that drops loses nothing (Redis
        // down drops the pub/sub connection too).
        link.client().addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection instanceof StatefulRedisPubSubConnection<?, ?> && sharded != null) {
                    wasDown.set(true);
                    String node = pubSubNodes.get(connection);
                    sharded.lost(link.deployment().isCluster() && node != null ? node : "");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection instanceof StatefulRedisPubSubConnection<?, ?>) {
                    pubSubNodes.put(connection, hostPort(address));
                }
                timer.execute(RedisConnections.this::checkBackUp);
            }
        });
        this.commands = link.connect();
        this.async = commands.async();
        this.pubSub = link.connectPubSub();
        this.loopPublishers = LoopPublishers.open(link, serverLoops, COMMAND_TIMEOUT, this::publishShared);
        this.sharded = new ShardedSubscriptions(pubSub, timer, link::commandFailed);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Consumer<String> handler = channels.get(channel);
                if (handler != null) {
                    handler.accept(message);
                }
            }

            @Override
            public void smessage(String channel, String message) {
                sharded.deliver(channel, message);
            }

            @Override
            public void ssubscribed(String channel, long count) {
                if (!link.deployment().isCluster()) {
                    sharded.confirmedOn(channel, "");
                }
            }

            @Override
            public void sunsubscribed(String channel, long count) {
                if (!link.deployment().isCluster()) {
                    sharded.dropped(channel, "");
                }
            }
        });
        if (pubSub instanceof StatefulRedisClusterPubSubConnection<String, String> clustered) {
            clustered.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void ssubscribed(RedisClusterNode node, String channel, long count) {
                    String confirmedBy = RedisLink.hostPort(node);
                    sharded.confirmedOn(channel, confirmedBy != null ? confirmedBy
                            : Objects.requireNonNullElse(RedisLink.ownerOf(clustered, channel), "?"));
                }

                @Override
                public void sunsubscribed(RedisClusterNode node, String channel, long count) {
                    sharded.dropped(channel, RedisLink.hostPort(node));
                }
            });
        }
        this.events = link.onEvent(event -> {
            if (event instanceof ConnectionActivatedEvent || event instanceof ClusterTopologyChangedEvent) {
                sharded.reconcileSoon();
            }
        });
    }

    /**
     * Connects to {@code deployment}; fails with {@link io.lettuce.core.RedisConnectionException} when Redis cannot
     * be reached now.
     */
    public static RedisConnections connect(RedisDeployment deployment) {
        return connect(deployment, null);
    }

    /**
     * As {@link #connect(RedisDeployment)}, with every connection on {@code serverLoops} (the server's own event
     * loops, which the caller stops after {@link #close}) instead of Lettuce's threads: a message read from Redis is
     * handled, and a command sent, on the thread that handles the connections it concerns, without a hand-off
     * between threads (two to four per routed message, each a wake-up).
     */
    public static RedisConnections connect(RedisDeployment deployment, EventLoopGroup serverLoops) {
        RedisLink link = RedisLink.open(deployment, COMMAND_TIMEOUT, serverLoops);
        try {
            return new RedisConnections(link, serverLoops);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** One server or a Sentinel set ({@link RedisDeployment#of}). */
    public static RedisConnections connect(String url) {
        return connect(RedisDeployment.of(url));
    }

    public RedisDeployment deployment() {
        return link.deployment();
    }

    /** The commands, routed by slot in a cluster, where a failure may reload the topology ({@link FailureTelling}). */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** PUBLISH through the server that serves {@code slotKey} ({@link DataConnection#publishBeside}). */
    CompletableFuture<Long> publishBeside(String slotKey, String channel, String message) {
        return commands.publishBeside(slotKey, channel, message);
    }

    /** A command connection of its own, from the same client (for WAIT, which blocks its connection). */
    DataConnection connectDedicated() {
        return link.connect();
    }

    /** Reloads a cluster's topology now (at most every 500 ms); nothing elsewhere. */
    void refreshTopology() {
        link.refreshTopology();
    }

    /** A command failed: in a cluster the failure may say that the topology is stale ({@link RedisLink#commandFailed}). */
    void commandFailed(Throwable failure) {
        link.commandFailed(failure);
    }

    /** The timer thread of this link; tasks on it must not block. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** Receives the messages of {@code channel} on a Lettuce thread; the handler must not block. */
    public void subscribe(String channel, Consumer<String> handler) {
        channels.put(channel, handler);
        pubSub.async().subscribe(channel);
    }

    /**
     * Receives the messages of a sharded channel (SSUBSCRIBE) on a Lettuce thread until {@link #unsubscribeSharded},
     * across reconnects, failovers and slot moves; completes once Redis has confirmed the subscription, so that
     * whatever is published there from then on arrives (fails if that first SSUBSCRIBE failed; it is retried anyway).
     */
    public CompletableFuture<Void> subscribeSharded(String channel, Consumer<String> handler) {
        return sharded.subscribe(channel, handler);
    }

    public CompletableFuture<Void> unsubscribeSharded(String channel) {
        return sharded.unsubscribe(channel);
    }

    /**
     * Called (on a Lettuce or timer thread) with a sharded channel subscribed again after a gap (a reconnect, a
     * failover, a slot move): whatever was published there meanwhile was lost.
     */
    public void onResubscribed(Consumer<String> listener) {
        sharded.onResubscribed(listener);
    }

    /** SPUBLISH: reaches the nodes subscribed to {@code channel}; completes with how many subscribers got it. */
    public CompletableFuture<Long> publishSharded(String channel, String message) {
        CompletableFuture<Long> onLoop = loopPublishers != null ? loopPublishers.spublish(channel, message) : null;
        return onLoop != null ? onLoop : publishShared(channel, message);
    }

    private CompletableFuture<Long> publishShared(String channel, String message) {
        return async.spublish(channel, message).toCompletableFuture();
    }

    /** How many SPUBLISHes went out on a server loop's own connection (tests). */
    long publishedOnLoops() {
        return loopPublishers == null ? 0 : loopPublishers.published();
    }

    /**
     * Stops (true) or resumes (false) reading the pub/sub connection: while stopped, Redis keeps what is published to
     * this node in its output buffer for the connection, up to its {@code client-output-buffer-limit pubsub}, and
     * replies to (S)SUBSCRIBEs wait too. Past the limit Redis closes the connection; it reconnects as after any
     * outage ({@link #onReconnect}), and what Redis held is lost. From any thread.
     */
    public void pauseReading(boolean paused) {
        link.pubSubReading().pause(paused);
    }

    /** Called (on a Lettuce or timer thread) each time both connections are back after an outage. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public boolean isUp() {
        return commands.isOpen() && pubSub.isOpen();
    }

    /** Tells the reconnect listeners once when both connections are open again after any went down. */
    void checkBackUp() {
        if (isUp() && wasDown.compareAndSet(true, false)) {
            sharded.reconcileSoon();
            reconnectListeners.forEach(Runnable::run);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        events.dispose();
        pubSub.close();
        commands.close();
        if (loopPublishers != null) {
            loopPublishers.close();
        }
        link.close();
    }

    private static String hostPort(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress() != null ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                        : inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(address);
    }
}
