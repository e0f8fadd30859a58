package org.sessionserver.bus.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.Event;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * One Lettuce client for a {@link RedisDeployment}, with the options that make a failover short: reconnects at most
 * a second apart, a 1 s connect timeout, a command timeout, and in a cluster a topology refresh every second plus the
 * adaptive triggers, dropping nodes marked FAIL so that commands queued for a dead master are re-routed. While a
 * connection to one server or a Sentinel master is down its commands fail at once (never queued), so callers can
 * refuse instead of hanging; in a cluster they wait for the new master, up to the command timeout.
 */
final class RedisLink implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    private final RedisDeployment deployment;
    private final ClientResources resources;
    private final PubSubReading pubSubReading = new PubSubReading();
    private final RedisClient client;
    private final RedisClusterClient cluster;

    private RedisLink(RedisDeployment deployment, Duration commandTimeout) {
        this.deployment = deployment;
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(pubSubReading)
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
        if (deployment.isCluster()) {
            this.client = null;
            this.cluster = RedisClusterClient.create(resources, deployment.uris());
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    // Not REJECT_COMMANDS: since 7.7.0 (#3782) it also rejects the first commands to a node whose
                    // connection is still being made, which every node's is at first and a promoted replica's is
                    // after a failover. Commands for a dead master wait instead, up to the command timeout, and are
                    // re-routed to its successor when the topology refresh closes its connection as stale.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
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
            this.client = RedisClient.create(resources, deployment.uri());
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socket)
                    .build());
        }
    }

    static RedisLink open(RedisDeployment deployment, Duration commandTimeout) {
        return new RedisLink(deployment, commandTimeout);
    }

    RedisDeployment deployment() {
        return deployment;
    }

    AbstractRedisClient client() {
        return client != null ? client : cluster;
    }

    /** A command connection of its own; fails with a RedisConnectionException when Redis cannot be reached now. */
    DataConnection connect() {
        return client != null ? DataConnection.of(client.connect()) : DataConnection.of(cluster.connect());
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
        RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(channel));
        return master == null ? null : master.getUri().getHost() + ":" + master.getUri().getPort();
    }

    /** Lettuce's events (connections activated and deactivated, cluster topology changes), on a Lettuce thread. */
    Disposable onEvent(Consumer<Event> listener) {
        return resources.eventBus().get().subscribe(listener::accept);
    }

    @Override
    public void close() {
        client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
