package org.sessionserver.bus.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * Command connections of each server event loop, living on that loop, for the SPUBLISH of {@code POST /messages}:
 * the command is written by the loop that read the request, its reply is read there, and the HTTP answer goes out
 * without a thread hand-off (through a shared connection it took two: to the connection's thread and back). Order is
 * kept where it is promised: one HTTP connection's requests are all read on one loop, and go out on one connection.
 *
 * <p>One server or a Sentinel set: one connection per loop, made at the start. A cluster: per loop, a connection to
 * each master that a publish was routed to, by the slot of its channel as the node's cluster client knows the
 * topology; opened when first needed (that publish, and any while it opens, go through the shared connection), never
 * reconnected (a dropped one is opened again to whichever master serves the slot then). A publish the master refuses
 * (MOVED after a slot moved or a failover, CLUSTERDOWN) was not published, so it goes again through the shared
 * connection, which follows redirects and reloads the topology; one whose connection drops in flight fails, as through
 * the shared connection, since it may have been published.
 */
final class LoopPublishers implements AutoCloseable {
    private static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(1);
    /** The key of the one connection per loop to one server or a Sentinel set's master. */
    private static final String ALONE = "";
    private final RedisLink link;
    private final boolean cluster;
    private final EventExecutor[] loops;
    private final RedisClient[] clients;
    /** Per loop, its connections by the id of the master they go to ({@link #ALONE} outside a cluster). */
    private final List<Map<String, StatefulRedisConnection<String, String>>> connections = new ArrayList<>();
    /** Per loop, the masters (by id) a connection is being opened to. */
    private final List<Set<String>> opening = new ArrayList<>();
    /** Masters (by id) that could not be connected to, and when to try again (System.nanoTime). */
    private final Map<String, Long> unreachableUntil = new ConcurrentHashMap<>();
    private final BiFunction<String, String, CompletableFuture<Long>> shared;
    private final LongAdder published = new LongAdder();
    private volatile boolean closed;

    private LoopPublishers(RedisLink link, EventLoopGroup group, Duration commandTimeout,
                           BiFunction<String, String, CompletableFuture<Long>> shared) {
        this.link = link;
        this.cluster = link.deployment().isCluster();
        this.shared = shared;
        List<EventExecutor> all = new ArrayList<>();
        group.forEach(all::add);
        this.loops = all.toArray(EventExecutor[]::new);
        this.clients = new RedisClient[loops.length];
        try {
            for (int i = 0; i < loops.length; i++) {
                clients[i] = link.clientOnLoop((EventLoop) loops[i], commandTimeout);
                connections.add(new ConcurrentHashMap<>());
                opening.add(ConcurrentHashMap.newKeySet());
                if (!cluster) {
                    connections.get(i).put(ALONE, clients[i].connect());
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * None when {@code group} is null. {@code shared} publishes through the node's shared connection: where a publish
     * refused by a cluster master goes again.
     */
    static LoopPublishers open(RedisLink link, EventLoopGroup group, Duration commandTimeout,
                               BiFunction<String, String, CompletableFuture<Long>> shared) {
        return group == null ? null : new LoopPublishers(link, group, commandTimeout, shared);
    }

    /**
     * SPUBLISH on the calling loop's own connection to the channel's master; null when not called on one of the loops
     * or when that loop has no open connection there yet (then the caller publishes through the shared connection).
     */
    CompletableFuture<Long> spublish(String channel, String message) {
        int loop = callingLoop();
        if (loop < 0) {
            return null;
        }
        RedisClusterNode master = cluster ? link.masterOf(channel) : null;
        if (cluster && (master == null || master.getUri() == null)) {
            return null;
        }
        String key = cluster ? master.getNodeId() : ALONE;
        StatefulRedisConnection<String, String> connection = connections.get(loop).get(key);
        if (connection == null || !connection.isOpen()) {
            if (cluster) {
                openSoon(loop, master);
            }
            return null;
        }
        published.increment();
        CompletableFuture<Long> sent = connection.async().spublish(channel, message).toCompletableFuture();
        if (!cluster) {
            return sent;
        }
        return sent.exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            link.commandFailed(cause);
            return cause instanceof RedisCommandExecutionException
                    ? shared.apply(channel, message) : CompletableFuture.failedFuture(cause);
        });
    }

    /** How many publishes went out on a loop's own connection (tests). */
    long published() {
        return published.sum();
    }

    private int callingLoop() {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return i;
            }
        }
        return -1;
    }

    /** Opens {@code loop}'s connection to {@code master} unless it is being opened; drops its closed ones. */
    private void openSoon(int loop, RedisClusterNode master) {
        String id = master.getNodeId();
        Long retry = unreachableUntil.get(id);
        if (closed || retry != null && System.nanoTime() - retry < 0 || !opening.get(loop).add(id)) {
            return;
        }
        // The dropped ones: this master's, and those to masters that died (they never come back by themselves).
        connections.get(loop).values().removeIf(connection -> {
            if (!connection.isOpen()) {
                connection.closeAsync();
                return true;
            }
            return false;
        });
        clients[loop].connectAsync(StringCodec.UTF8, link.nodeUri(master)).whenComplete((connection, failure) -> {
            if (failure != null) {
                // A master that cannot be reached (it died, the topology is stale): reload the topology, and do not
                // try it again with every publish meanwhile.
                unreachableUntil.put(id, System.nanoTime() + RETRY_UNREACHABLE.toNanos());
                link.commandFailed(failure);
            } else if (closed) {
                connection.closeAsync();
            } else {
                unreachableUntil.remove(id);
                connections.get(loop).put(id, connection);
            }
            opening.get(loop).remove(id);
        });
    }

    @Override
    public void close() {
        closed = true;
        connections.forEach(byMaster -> byMaster.values().forEach(StatefulRedisConnection::close));
        for (RedisClient client : clients) {
            if (client != null) {
                RedisLink.closeOnLoop(client);
            }
        }
    }
}
