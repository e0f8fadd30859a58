package org.sessionserver.bus.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic membership in Redis: a set of members per topic ({@code <prefix>topic:{t}:members}) and a set of topics per
 * participant ({@code <prefix>participant:{p}:topics}), each command on one key, so it works on Redis Cluster. A change
 * writes both sides, then PUBLISHes itself on {@code <prefix>topics}, which the nodes read on the same connection as
 * {@code <prefix>engine:out}: a message published after a change returned is seen after it. In a cluster that holds
 * only for PUBLISHes that enter it through one node, so the change goes to the master of {@code engine:out}'s slot,
 * where an engine's PUBLISH of a message lands too.
 */
public final class RedisTopics implements Topics {
    private static final Logger log = LoggerFactory.getLogger(RedisTopics.class);

    private final Supplier<RedisClusterAsyncCommands<String, String>> redis;
    private final RedisKeys keys;
    private final BiConsumer<String, Consumer<String>> subscriber;
    private final Announcer announcer;

    /** PUBLISHes a change on {@code <prefix>topics}. */
    @FunctionalInterface
    interface Announcer {
        CompletionStage<Long> publish(String channel, String message);
    }

    /**
     * @param subscriber subscribes a handler to a channel ({@link RedisConnections#subscribe}); null where nobody
     *                   listens to changes (an engine)
     */
    public RedisTopics(Supplier<RedisClusterAsyncCommands<String, String>> redis, RedisKeys keys,
                       BiConsumer<String, Consumer<String>> subscriber) {
        this(redis, keys, subscriber, (channel, message) -> redis.get().publish(channel, message));
    }

    RedisTopics(Supplier<RedisClusterAsyncCommands<String, String>> redis, RedisKeys keys,
                BiConsumer<String, Consumer<String>> subscriber, Announcer announcer) {
        this.redis = redis;
        this.keys = keys;
        this.subscriber = subscriber;
        this.announcer = announcer;
    }

    /** A node's membership store, listening to changes on its pub/sub connection. */
    public static RedisTopics of(RedisConnections connections, RedisKeys keys) {
        return new RedisTopics(connections::async, keys, connections::subscribe,
                (channel, message) -> connections.publishBeside(keys.engineOut(), channel, message));
    }

    /** An engine's membership store (it does not listen to changes), announcing them as a node does. */
    static RedisTopics ofEngine(DataConnection connection, RedisKeys keys) {
        return new RedisTopics(connection::async, keys, null,
                (channel, message) -> connection.publishBeside(keys.engineOut(), channel, message));
    }

    @Override
    public CompletionStage<TopicChange.Result> change(TopicChange change) {
        RedisClusterAsyncCommands<String, String> redis = this.redis.get();
        String members = keys.topicMembers(change.topic());
        CompletableFuture<Long> added = change.add().isEmpty() ? CompletableFuture.completedFuture(0L)
                : redis.sadd(members, change.add().toArray(String[]::new)).toCompletableFuture();
        CompletableFuture<Long> removed = change.remove().isEmpty() ? CompletableFuture.completedFuture(0L)
                : redis.srem(members, change.remove().toArray(String[]::new)).toCompletableFuture();
        List<CompletableFuture<Long>> writes = new ArrayList<>(change.add().size() + change.remove().size() + 2);
        writes.add(added);
        writes.add(removed);
        change.add().forEach(id -> writes.add(redis.sadd(keys.participantTopics(id), change.topic()).toCompletableFuture()));
        change.remove().forEach(id -> writes.add(redis.srem(keys.participantTopics(id), change.topic()).toCompletableFuture()));
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenCompose(written -> announcer.publish(keys.topicChanges(), change.toJson()))
                .thenApply(receivers -> new TopicChange.Result(added.join(), removed.join()));
    }

    @Override
    public CompletionStage<Set<String>> members(String topic) {
        return redis.get().smembers(keys.topicMembers(topic)).thenApply(Set::copyOf);
    }

    @Override
    public CompletionStage<Set<String>> topicsOf(String participantId) {
        return redis.get().smembers(keys.participantTopics(participantId)).thenApply(Set::copyOf);
    }

    @Override
    public void onChange(Consumer<TopicChange> listener) {
        if (subscriber == null) {
            throw new UnsupportedOperationException("this membership store does not listen to changes");
        }
        subscriber.accept(keys.topicChanges(), json -> {
            TopicChange change;
            try {
                change = TopicChange.fromJson(json);
            } catch (IllegalArgumentException e) {
                log.warn("dropped a malformed topic change: {}", e.getMessage());
                return;
            }
            listener.accept(change);
        });
    }

    @Override
    public void close() {
        // The connections belong to whoever created them.
    }
}
