package org.sessionserver.bus.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.concurrent.CompletableFuture;

/**
 * A command connection of any deployment: the commands common to one server and a cluster, plus WAIT measured on the
 * very connection (and, in a cluster, the very node) that carried the writes before it.
 */
interface DataConnection extends AutoCloseable {
    RedisClusterAsyncCommands<String, String> async();

    boolean isOpen();

    /**
     * WAIT for the writes this connection sent so far to {@code key}'s master to reach {@code replicas} replicas;
     * completes with how many did. Send it on a connection of its own: WAIT blocks the connection meanwhile.
     */
    CompletableFuture<Long> waitForReplication(String key, int replicas, long timeoutMs);

    /**
     * PUBLISH through the server that serves {@code slotKey}: in a cluster each PUBLISH reaches the subscribers through
     * the node it entered, so two channels keep their relative order only when published through one node.
     */
    CompletableFuture<Long> publishBeside(String slotKey, String channel, String message);

    @Override
    void close();

    static DataConnection of(StatefulRedisConnection<String, String> connection) {
        return new DataConnection() {
            @Override
            public RedisAsyncCommands<String, String> async() {
                return connection.async();
            }

            @Override
            public boolean isOpen() {
                return connection.isOpen();
            }

            @Override
            public CompletableFuture<Long> waitForReplication(String key, int replicas, long timeoutMs) {
                return connection.async().waitForReplication(replicas, timeoutMs).toCompletableFuture();
            }

            @Override
            public CompletableFuture<Long> publishBeside(String slotKey, String channel, String message) {
                return connection.async().publish(channel, message).toCompletableFuture();
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    static DataConnection of(StatefulRedisClusterConnection<String, String> connection) {
        return new DataConnection() {
            @Override
            public RedisClusterAsyncCommands<String, String> async() {
                return connection.async();
            }

            @Override
            public boolean isOpen() {
                return connection.isOpen();
            }

            /*
             * WAIT has no key, so Lettuce would send it to an arbitrary node. It must go on the pooled connection of
             * the slot's master, the one (host, port) connection the XADD was routed to (research memo section 4).
             */
            @Override
            public CompletableFuture<Long> waitForReplication(String key, int replicas, long timeoutMs) {
                RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
                if (master == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException("no master serves " + key));
                }
                return connection.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort())
                        .thenCompose(node -> node.async().waitForReplication(replicas, timeoutMs));
            }

            @Override
            public CompletableFuture<Long> publishBeside(String slotKey, String channel, String message) {
                RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(slotKey));
                if (master == null) {
                    return connection.async().publish(channel, message).toCompletableFuture();
                }
                return connection.getConnectionAsync(master.getUri().getHost(), master.getUri().getPort())
                        .thenCompose(node -> node.async().publish(channel, message));
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }
}
