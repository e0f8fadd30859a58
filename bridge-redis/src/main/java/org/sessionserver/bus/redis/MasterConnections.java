package org.sessionserver.bus.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection to each master of a cluster, for a write and the WAIT that must follow it on that very connection
 * ({@link DataConnection#masterOf}): opened when first needed, never reconnected and never re-routed, so that a command
 * in flight when its master dies fails, and the event is refused (its sender may send it again).
 *
 * <p>This is the one place that works around Lettuce's re-sending of a cluster node connection's commands: what was in
 * flight on one when its node died is sent again through the cluster's router once the topology reload closes that
 * connection as stale ({@code ClusterNodeEndpoint#closeAsync}, Lettuce's at-least-once for clusters: lettuce#105,
 * lettuce#1769). A WAIT has no key, so the router sends it to an arbitrary master, whose replicas confirm it, and an
 * event that the dead master never replicated was acknowledged
 * ({@code FailoverSuite#anEventWhoseMasterDiesBeforeAReplicaConfirmedItIsRefused}).
 */
final class MasterConnections implements AutoCloseable {
    /** A master that could not be connected to is not tried again sooner (each try also reloads the topology). */
    private static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(1);

    /** A connection being opened, open, or dropped, or an attempt that failed, and when it began. */
    private record Attempt(CompletableFuture<StatefulRedisConnection<String, String>> connection, long startedAt) {
        boolean usable(long now) {
            if (!connection.isDone()) {
                return true;
            }
            if (connection.isCompletedExceptionally()) {
                return now - startedAt < RETRY_UNREACHABLE.toNanos();
            }
            return connection.join().isOpen();
        }

        void close() {
            connection.thenAccept(StatefulRedisConnection::closeAsync);
        }
    }

    private final RedisLink link;
    private final RedisClient nodes;
    /** By master's node id; a master that died keeps its dropped connection here (one entry per master ever used). */
    private final Map<String, Attempt> byMaster = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** {@code nodes}: a client without a URI of its own, that never reconnects ({@link RedisLink}). */
    MasterConnections(RedisLink link, RedisClient nodes) {
        this.link = link;
        this.nodes = nodes;
    }

    /** The connection to the master of {@code key}'s slot as this client's topology has it now. */
    CompletableFuture<RedisClusterAsyncCommands<String, String>> masterOf(String key) {
        RedisClusterNode master = link.masterOf(key);
        if (closed || master == null || master.getUri() == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    closed ? "closed" : "no master serves " + key));
        }
        long now = System.nanoTime();
        Attempt attempt = byMaster.compute(master.getNodeId(), (id, current) -> {
            if (current != null && current.usable(now)) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            return new Attempt(open(master), now);
        });
        return attempt.connection().thenApply(StatefulRedisConnection::async);
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> open(RedisClusterNode master) {
        return nodes.connectAsync(StringCodec.UTF8, link.nodeUri(master)).toCompletableFuture()
                .whenComplete((connection, failure) -> {
                    if (failure != null) {
                        link.commandFailed(failure); // it died, or the topology is stale: reload it
                    } else if (closed) {
                        connection.closeAsync();
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
        byMaster.values().forEach(Attempt::close);
    }
}
