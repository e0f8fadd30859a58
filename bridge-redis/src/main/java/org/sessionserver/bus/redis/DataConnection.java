package org.sessionserver.bus.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A command connection of any deployment: the commands common to one server and a cluster, plus WAIT measured on the
 * very connection (and, in a cluster, the very node) that carried the writes before it.
 */
interface DataConnection extends AutoCloseable {
    RedisClusterAsyncCommands<String, String> async();

    boolean isOpen();

    /**
     * The connection to the master of {@code key}'s slot itself (outside a cluster: this connection), for a write and
     * the WAIT that must follow it on the very same connection. Take it from a connection of its own: WAIT blocks
     * the connection meanwhile. A write sent there after the slot moved fails (MOVED) rather than go elsewhere.
     */
    CompletableFuture<RedisClusterAsyncCommands<String, String>> masterOf(String key);

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
            public CompletableFuture<RedisClusterAsyncCommands<String, String>> masterOf(String key) {
                return CompletableFuture.completedFuture(connection.async());
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

    /**
     * A cluster connection whose commands tell each failure to {@code failed} ({@link FailureTelling}); those of
     * {@link #masterOf} go through {@code masters} and do not (their caller tells).
     */
    static DataConnection of(StatefulRedisClusterConnection<String, String> connection, Consumer<Throwable> failed,
                             MasterConnections masters) {
        RedisClusterAsyncCommands<String, String> telling = FailureTelling.of(connection.async(), failed);
        return new DataConnection() {
            @Override
            public RedisClusterAsyncCommands<String, String> async() {
                return telling;
            }

            @Override
            public boolean isOpen() {
                return connection.isOpen();
            }

            /*
             * WAIT has no key, so Lettuce would send it to an arbitrary node; and a write routed by slot may land on
             * another node than the one asked afterwards, if the topology changed in between. Both go to a connection
             * of the slot's master taken once (research memo section 4), and not Lettuce's own node connection, which
             * would re-send them through the router if the master died meanwhile (MasterConnections).
             */
            @Override
            public CompletableFuture<RedisClusterAsyncCommands<String, String>> masterOf(String key) {
                return masters.masterOf(key);
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
                masters.close();
                connection.close();
            }
        };
    }
}
