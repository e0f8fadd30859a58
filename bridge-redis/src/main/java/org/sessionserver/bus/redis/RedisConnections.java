package org.sessionserver.bus.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One node's link to Redis: a command connection and a pub/sub connection, shared by the bus, the directory and the
 * cluster channel. Lettuce reconnects both by itself and resubscribes the channels, but replays nothing; while a
 * connection is down, commands fail at once (never queued), so callers can refuse instead of hanging.
 */
public final class RedisConnections implements AutoCloseable {
    /** A command that takes longer than this fails; the caller treats Redis as unavailable. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private final Map<String, Consumer<String>> shardedChannels = new ConcurrentHashMap<>();
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private volatile boolean wasDown;

    private RedisConnections(RedisClient client) {
        this.client = client;
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                wasDown = true;
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (wasDown && isUp()) {
                    wasDown = false;
                    reconnectListeners.forEach(Runnable::run);
                }
            }
        });
        this.commands = client.connect();
        this.pubSub = client.connectPubSub();
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
                Consumer<String> handler = shardedChannels.get(channel);
                if (handler != null) {
                    handler.accept(message);
                }
            }
        });
    }

    /**
     * Connects to {@code url}; fails with {@link io.lettuce.core.RedisConnectionException} when Redis cannot be
     * reached now.
     */
    public static RedisConnections connect(String url) {
        RedisClient client = RedisClient.create(RedisURI.create(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        try {
            return new RedisConnections(client);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    public RedisAsyncCommands<String, String> async() {
        return commands.async();
    }

    /** Receives the messages of {@code channel} on a Lettuce thread; the handler must not block. */
    public void subscribe(String channel, Consumer<String> handler) {
        channels.put(channel, handler);
        pubSub.async().subscribe(channel);
    }

    /**
     * Receives the messages of a sharded channel (SSUBSCRIBE) on a Lettuce thread until {@link #unsubscribeSharded};
     * completes once Redis has confirmed the subscription, so that whatever is published there from then on arrives.
     */
    public CompletableFuture<Void> subscribeSharded(String channel, Consumer<String> handler) {
        shardedChannels.put(channel, handler);
        return pubSub.async().ssubscribe(channel).toCompletableFuture().thenApply(confirmed -> null);
    }

    public CompletableFuture<Void> unsubscribeSharded(String channel) {
        shardedChannels.remove(channel);
        return pubSub.async().sunsubscribe(channel).toCompletableFuture().thenApply(confirmed -> null);
    }

    /** SPUBLISH: reaches the nodes subscribed to {@code channel}; completes with how many subscribers got it. */
    public CompletableFuture<Long> publishSharded(String channel, String message) {
        return commands.async().spublish(channel, message).toCompletableFuture();
    }

    /** Called (on a Lettuce thread) each time both connections are back after an outage. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    public boolean isUp() {
        return commands.isOpen() && pubSub.isOpen();
    }

    @Override
    public void close() {
        pubSub.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
