package org.sessionserver.bus.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One command connection per server event loop, living on that loop, for the SPUBLISH of {@code POST /messages}: the
 * command is written by the loop that read the request, its reply is read there, and the HTTP answer goes out
 * without a thread hand-off (with one shared connection it took two: to Lettuce's thread and back). One server or a
 * Sentinel set only; in a cluster every node's connection already lives on one of the loops ({@link GivenEventLoops}).
 * Order is kept where it is promised: one HTTP connection's requests are all read on one loop.
 */
final class LoopPublishers implements AutoCloseable {
    private final EventExecutor[] loops;
    private final RedisClient[] clients;
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    private LoopPublishers(RedisLink link, EventLoopGroup group, Duration commandTimeout) {
        List<EventExecutor> all = new ArrayList<>();
        group.forEach(all::add);
        this.loops = all.toArray(EventExecutor[]::new);
        this.clients = new RedisClient[loops.length];
        try {
            for (int i = 0; i < loops.length; i++) {
                clients[i] = link.clientOnLoop((EventLoop) loops[i], commandTimeout);
                connections.add(clients[i].connect());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** None when {@code group} is null or the deployment is a cluster. */
    static LoopPublishers open(RedisLink link, EventLoopGroup group, Duration commandTimeout) {
        return group == null || link.deployment().isCluster() ? null : new LoopPublishers(link, group, commandTimeout);
    }

    /** SPUBLISH on the calling loop's own connection; null when not called on one of the loops. */
    CompletableFuture<Long> spublish(String channel, String message) {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return connections.get(i).async().spublish(channel, message).toCompletableFuture();
            }
        }
        return null;
    }

    @Override
    public void close() {
        connections.forEach(StatefulRedisConnection::close);
        for (RedisClient client : clients) {
            if (client != null) {
                RedisLink.closeOnLoop(client);
            }
        }
    }
}
