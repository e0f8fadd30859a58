package org.sessionserver.bus.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.Address;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.EngineSide;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.LifecycleEnvelope;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.Presence;
import org.sessionserver.bus.TopicChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an engine needs of the Redis bus, without netty-socketio: read accepted events as a member of a consumer
 * group on every inbound stream ({@link EngineStreams}; at least once: an entry is XACKed only after the handler
 * returned, and entries left pending by a crash are read again first), publish messages to the nodes of their
 * recipients,
 * manage topic membership and ask who is connected. It follows the deployment of the URL as the nodes do (one
 * server, Sentinel, Cluster: {@link RedisDeployment}). Membership methods throw {@link IllegalArgumentException} for bad names.
 *
 * <pre>{@code
 * EngineClient engine = EngineClient.connect("redis://localhost:6379", "sio:", "my-engine", "worker-1");
 * engine.join("thred-42", "alice").toCompletableFuture().join();
 * engine.onEvent(envelope -> engine.publishMessage("{\"to\":[{\"topic\":\"thred-42\"}],\"data\":{}}"));
 * }</pre>
 */
public final class EngineClient implements EngineSide {
    private static final Logger log = LoggerFactory.getLogger(EngineClient.class);
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = BLOCK.plusSeconds(3);
    private static final long RETRY_MS = 500;
    private static final int BATCH = 100;

    private final RedisLink link;
    private final DataConnection publisher;
    /** Opened at the first topic change: where the nodes acknowledge the changes of this client. */
    private StatefulRedisPubSubConnection<String, String> acknowledgements;
    private final RedisKeys keys;
    private final EngineStreams streams;
    private final RedisTopics topics;
    private final RedisSessionReads sessions;
    private final String group;
    private final String consumer;
    private final Object handling = new Object();
    private final List<Thread> readers = new ArrayList<>();
    private final List<DataConnection> readerConnections = new ArrayList<>();
    private volatile java.util.function.Consumer<LifecycleEnvelope> lifecycle;
    private volatile boolean running = true;

    private EngineClient(RedisLink link, EngineStreams streams, String group, String consumer) {
        this.link = link;
        this.keys = streams.keys();
        this.streams = streams;
        this.group = group;
        this.consumer = consumer;
        this.publisher = link.connect();
        this.topics = RedisTopics.ofEngine(publisher, keys, this::subscribeSharded);
        this.sessions = new RedisSessionReads(publisher::async, keys);
    }

    /**
     * One server or a Sentinel set, one inbound stream.
     *
     * @param group    the consumer group: engines of one kind share it, so each event is handled by one of them
     * @param consumer this engine instance's name within the group
     */
    public static EngineClient connect(String redisUrl, String prefix, String group, String consumer) {
        return connect(RedisDeployment.of(redisUrl), prefix, EngineStreams.DEFAULT_COUNT, group, consumer);
    }

    /** Any deployment, reading {@code streams} inbound streams ({@code ENGINE_STREAMS} of the nodes). */
    public static EngineClient connect(RedisDeployment deployment, String prefix, int streams, String group,
                                       String consumer) {
        RedisLink link = RedisLink.open(deployment, TIMEOUT);
        try {
            return new EngineClient(link, new EngineStreams(new RedisKeys(prefix), streams), group, consumer);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /**
     * Starts reading events, one thread (and connection) per inbound stream; the handler runs on them, one event at a
     * time; a participant's events come in their order.
     */
    @Override
    public synchronized void onEvent(java.util.function.Consumer<EventEnvelope> handler) {
        if (!readers.isEmpty()) {
            throw new IllegalStateException("already reading");
        }
        for (String stream : streams.all()) {
            DataConnection connection = link.connect(); // XREADGROUP BLOCK holds its connection
            readerConnections.add(connection);
            Thread reader = new Thread(() -> readLoop(connection, stream, handler), "engine-client-" + consumer
                    + "-" + stream);
            reader.setDaemon(true);
            readers.add(reader);
        }
        readers.forEach(Thread::start);
    }

    /** Lifecycle envelopes ({@code ENGINE_LIFECYCLE}) go to {@code handler}; set it before {@link #onEvent}. */
    @Override
    public void onLifecycle(java.util.function.Consumer<LifecycleEnvelope> handler) {
        this.lifecycle = handler;
    }

    /**
     * Publishes a message to the nodes of its recipients; completes once Redis took every copy. It does not wait for
     * the nodes: a node that is behind on delivering stops reading and Redis holds its copies, within Redis's
     * {@code client-output-buffer-limit pubsub} (past it Redis drops that node's subscriber connection, and the copies
     * it held are lost: the node counts a reconnect). An engine that must be slowed down by the nodes publishes
     * through {@code POST /messages}, which waits while the node it asks is behind.
     */
    @Override
    public CompletionStage<Void> publishMessage(String messageJson) {
        Message message;
        try {
            message = Message.parse(messageJson);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return RedisEngineBus.publishRouted(message, keys, publisher.async()::spublish);
    }

    /**
     * Publishes a named push: Socket.IO clients get {@code emit(name, data)}, raw ones
     * {@code {"type":name,"payload":data}}. A reserved or malformed name fails the stage.
     */
    public CompletionStage<Void> publishNamed(String name, JsonNode data, List<Address> to) {
        return publishMessage(Message.namedPushJson(name, null, data, to));
    }

    /**
     * Answers an event to the session it came from, as a named push: a raw client's request gets its
     * {@code request_id} back ({@code register} -> {@code register_success}).
     */
    public CompletionStage<Void> reply(EventEnvelope event, String name, JsonNode data) {
        return publishMessage(Message.namedPushJson(name, event.requestId(), data,
                List.of(new Address(event.participantId(), event.sessionId(), null))));
    }

    /**
     * Where the nodes' acknowledgements of this client's topic changes come in. Connecting blocks, and the first
     * change may ask from a Lettuce thread, whose event loop the connection needs: so it connects on a pool thread.
     */
    private CompletionStage<Void> subscribeSharded(String channel, java.util.function.Consumer<String> handler) {
        return CompletableFuture.supplyAsync(this::acknowledgements).thenCompose(connection -> {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String from, String message) {
                    if (from.equals(channel)) {
                        handler.accept(message);
                    }
                }
            });
            return connection.async().ssubscribe(channel).thenApply(confirmed -> (Void) null);
        });
    }

    private synchronized StatefulRedisPubSubConnection<String, String> acknowledgements() {
        if (acknowledgements == null) {
            acknowledgements = link.connectPubSub();
        }
        return acknowledgements;
    }

    /** Makes the participant a member of the topic; true when it was not one already. */
    public CompletionStage<Boolean> join(String topic, String participantId) {
        return topics.change(TopicChange.join(topic, participantId)).thenApply(result -> result.added() > 0);
    }

    /** Ends the participant's membership of the topic; true when it was a member. */
    public CompletionStage<Boolean> leave(String topic, String participantId) {
        return topics.change(TopicChange.leave(topic, participantId)).thenApply(result -> result.removed() > 0);
    }

    /** Adds and removes members in one change (at most {@link TopicChange#MAX_IDS} ids together). */
    public CompletionStage<TopicChange.Result> changeMembers(String topic, Collection<String> add,
                                                            Collection<String> remove) {
        return topics.change(TopicChange.of(topic, List.copyOf(add), List.copyOf(remove)));
    }

    public CompletionStage<Set<String>> members(String topic) {
        return topics.members(topic);
    }

    /** The members of a topic with their connection counts in the cluster. */
    public CompletionStage<List<Presence.Member>> presence(String topic) {
        return Presence.ofTopic(topics, sessions, topic);
    }

    /** A participant's topics and connections in the cluster. */
    public CompletionStage<Presence.Participant> participant(String participantId) {
        return Presence.ofParticipant(topics, sessions, participantId);
    }

    @Override
    public void close() {
        running = false;
        for (Thread reader : readers) {
            reader.interrupt();
            try {
                reader.join(BLOCK.toMillis() * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        readerConnections.forEach(DataConnection::close);
        publisher.close();
        synchronized (this) {
            if (acknowledgements != null) {
                acknowledgements.close();
            }
        }
        link.close();
    }

    private void readLoop(DataConnection connection, String stream,
                          java.util.function.Consumer<EventEnvelope> handler) {
        boolean pendingFirst = true;
        boolean grouped = false;
        while (running) {
            try {
                RedisClusterAsyncCommands<String, String> redis = connection.async();
                if (!grouped) {
                    ensureGroup(redis, stream);
                    grouped = true;
                }
                // First what this consumer read but never acknowledged (a crash), then new entries.
                XReadArgs.StreamOffset<String> offset = pendingFirst
                        ? XReadArgs.StreamOffset.from(stream, "0")
                        : XReadArgs.StreamOffset.lastConsumed(stream);
                List<StreamMessage<String, String>> entries = await(redis.xreadgroup(Consumer.from(group, consumer),
                        XReadArgs.Builder.block(BLOCK).count(BATCH), offset));
                if (pendingFirst && entries.isEmpty()) {
                    pendingFirst = false;
                }
                for (StreamMessage<String, String> entry : entries) {
                    handle(handler, entry);
                    await(redis.xack(stream, group, entry.getId()));
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (grouped) {
                    log.warn("reading {} failed, retrying every {} ms: {}", stream, RETRY_MS, e.toString());
                }
                pendingFirst = true;
                grouped = false;
                sleep();
            }
        }
    }

    private void handle(java.util.function.Consumer<EventEnvelope> handler, StreamMessage<String, String> entry) {
        String json = entry.getBody().get("envelope");
        try {
            synchronized (handling) {
                JsonNode envelope = BusJson.MAPPER.readTree(json);
                if (!LifecycleEnvelope.isLifecycle(envelope)) {
                    handler.accept(EventEnvelope.fromJson(envelope));
                } else if (lifecycle != null) {
                    lifecycle.accept(LifecycleEnvelope.fromJson(envelope));
                }
            }
        } catch (RuntimeException | JsonProcessingException e) {
            // A poison entry must not stop the engine: it is acknowledged and logged.
            log.error("engine handler failed on entry {}", entry.getId(), e);
        }
    }

    private void ensureGroup(RedisClusterAsyncCommands<String, String> redis, String stream) {
        try {
            await(redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group,
                    new XGroupCreateArgs().mkstream(true)));
        } catch (RedisBusyException exists) {
            // BUSYGROUP: created before, by us or a sibling.
        }
    }

    /** The command's result; its Redis failure as it is (a RuntimeException), or a timeout. */
    private static <T> T await(RedisFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("no answer within " + TIMEOUT, e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
