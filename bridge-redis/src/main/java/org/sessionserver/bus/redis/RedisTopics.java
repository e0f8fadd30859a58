package org.sessionserver.bus.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic membership in Redis: a set of members per topic ({@code <prefix>topic:{t}:members}) and a set of topics per
 * participant ({@code <prefix>participant:{p}:topics}), each command on one key, so it works on Redis Cluster. A change
 * writes both sides, then PUBLISHes itself on {@code <prefix>topics}, with the sharded channel on which each node
 * that receives it acknowledges once it applied it ({@link ChangeAcks}); the change is answered after those
 * acknowledgements, so a message published once it returned reaches every member. The nodes read the change on the
 * same connection as {@code <prefix>engine:out}, so an engine's PUBLISH there after a change is seen after it too; in
 * a cluster that holds only for PUBLISHes that enter it through one node, so the change goes to the master of
 * {@code engine:out}'s slot, where an engine's PUBLISH of a message lands too.
 */
public final class RedisTopics implements Topics {
    private static final Logger log = LoggerFactory.getLogger(RedisTopics.class);
    /** Fields a change carries on the channel besides its own: where and under which id nodes acknowledge it. */
    private static final String ACK_TO = "ackTo";
    private static final String CHANGE_ID = "changeId";

    private final Supplier<RedisClusterAsyncCommands<String, String>> redis;
    private final RedisKeys keys;
    private final BiConsumer<String, Consumer<String>> subscriber;
    private final Announcer announcer;
    private final ChangeAcks acks;

    /** PUBLISHes a change on {@code <prefix>topics}. */
    @FunctionalInterface
    interface Announcer {
        CompletionStage<Long> publish(String channel, String message);
    }

    /**
     * @param subscriber subscribes a handler to a channel ({@link RedisConnections#subscribe}); null where nobody
     *                   listens to changes (an engine)
     * @param announcer  PUBLISHes a change
     * @param acks       where the nodes' acknowledgements of this store's changes come in
     */
    RedisTopics(Supplier<RedisClusterAsyncCommands<String, String>> redis, RedisKeys keys,
                BiConsumer<String, Consumer<String>> subscriber, Announcer announcer, ChangeAcks acks) {
        this.redis = redis;
        this.keys = keys;
        this.subscriber = subscriber;
        this.announcer = announcer;
        this.acks = acks;
    }

    /** A node's membership store, listening to changes on its pub/sub connection. */
    public static RedisTopics of(RedisConnections connections, RedisKeys keys) {
        RedisSessionReads directory = new RedisSessionReads(connections::async, keys);
        return new RedisTopics(connections::async, keys, connections::subscribe,
                (channel, message) -> connections.publishBeside(keys.engineOut(), channel, message),
                new ChangeAcks(keys, connections::subscribeSharded, directory::liveNodes));
    }

    /**
     * An engine's membership store (it does not listen to changes), announcing them as a node does.
     *
     * @param subscribeSharded where it hears the nodes acknowledge its changes
     */
    static RedisTopics ofEngine(DataConnection connection, RedisKeys keys,
                                BiFunction<String, Consumer<String>, CompletionStage<Void>> subscribeSharded) {
        RedisSessionReads directory = new RedisSessionReads(connection::async, keys);
        return new RedisTopics(connection::async, keys, null,
                (channel, message) -> connection.publishBeside(keys.engineOut(), channel, message),
                new ChangeAcks(keys, subscribeSharded, directory::liveNodes));
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
                .thenCompose(written -> acks.ready().exceptionally(unsubscribed -> {
                    log.warn("cannot hear the nodes acknowledge topic changes: {}", unsubscribed.toString());
                    return null;
                }))
                .thenCompose(ready -> {
                    String changeId = acks.expect();
                    String announced = change.toJsonNode().put(ACK_TO, acks.channel()).put(CHANGE_ID, changeId)
                            .toString();
                    return announcer.publish(keys.topicChanges(), announced)
                            .thenCompose(receivers -> acks.await(changeId, receivers));
                })
                .thenApply(acknowledged -> new TopicChange.Result(added.join(), removed.join()));
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
    public void onChange(Function<TopicChange, ? extends CompletionStage<Void>> applier) {
        if (subscriber == null) {
            throw new UnsupportedOperationException("this membership store does not listen to changes");
        }
        subscriber.accept(keys.topicChanges(), json -> {
            JsonNode announced;
            TopicChange change;
            try {
                announced = BusJson.MAPPER.readTree(json);
                change = TopicChange.fromJson(announced);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                log.warn("dropped a malformed topic change: {}", e.getMessage());
                return;
            }
            String ackTo = announced.path(ACK_TO).asText(null);
            String changeId = announced.path(CHANGE_ID).asText(null);
            CompletionStage<Void> applied = applier.apply(change);
            if (ackTo != null && changeId != null) {
                applied.whenComplete((done, failure) -> redis.get().spublish(ackTo, changeId));
            }
        });
    }

    @Override
    public void close() {
        // The connections belong to whoever created them.
    }
}
