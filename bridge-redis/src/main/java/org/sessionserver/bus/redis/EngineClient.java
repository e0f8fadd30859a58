package org.sessionserver.bus.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sessionserver.bus.Address;
import org.sessionserver.bus.EngineSide;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.Presence;
import org.sessionserver.bus.TopicChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an engine needs of the Redis bus, without netty-socketio: read accepted events as a member of a consumer
 * group on {@code <prefix>engine:in} (at least once: an entry is XACKed only after the handler returned, and entries
 * left pending by a crash are read again first), publish messages to the nodes of their recipients, manage topic
 * membership and ask who is connected. Membership methods throw {@link IllegalArgumentException} for bad names.
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
    private static final long RETRY_MS = 500;
    private static final int BATCH = 100;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> reader;
    private final StatefulRedisConnection<String, String> publisher;
    /** Opened at the first topic change: where the nodes acknowledge the changes of this client. */
    private StatefulRedisPubSubConnection<String, String> acknowledgements;
    private final RedisKeys keys;
    private final RedisTopics topics;
    private final RedisSessionReads sessions;
    private final String group;
    private final String consumer;
    private volatile boolean running = true;
    private Thread readerThread;

    private EngineClient(RedisClient client, RedisKeys keys, String group, String consumer) {
        this.client = client;
        this.keys = keys;
        this.group = group;
        this.consumer = consumer;
        this.reader = client.connect();
        this.publisher = client.connect();
        this.topics = new RedisTopics(publisher::async, keys, null, this::subscribeSharded);
        this.sessions = new RedisSessionReads(publisher::async, keys);
    }

    /**
     * @param group    the consumer group: engines of one kind share it, so each event is handled by one of them
     * @param consumer this engine instance's name within the group
     */
    public static EngineClient connect(String redisUrl, String prefix, String group, String consumer) {
        RedisClient client = RedisClient.create(RedisURI.create(redisUrl));
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(BLOCK.plusSeconds(3)))
                .build());
        return new EngineClient(client, new RedisKeys(prefix), group, consumer);
    }

    /** Starts reading events on a thread of its own; the handler runs there, one event at a time. */
    @Override
    public synchronized void onEvent(java.util.function.Consumer<EventEnvelope> handler) {
        if (readerThread != null) {
            throw new IllegalStateException("already reading");
        }
        readerThread = new Thread(() -> readLoop(handler), "engine-client-" + consumer);
        readerThread.setDaemon(true);
        readerThread.start();
    }

    /**
     * Publishes a message to the nodes that hold its recipients: once on the sharded channel of each participant and
     * topic it names. A malformed message fails the stage and goes nowhere.
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

    private synchronized CompletionStage<Void> subscribeSharded(String channel,
                                                                java.util.function.Consumer<String> handler) {
        if (acknowledgements == null) {
            acknowledgements = client.connectPubSub();
        }
        acknowledgements.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String from, String message) {
                if (from.equals(channel)) {
                    handler.accept(message);
                }
            }
        });
        return acknowledgements.async().ssubscribe(channel).thenApply(confirmed -> (Void) null);
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
        if (readerThread != null) {
            readerThread.interrupt();
            try {
                readerThread.join(BLOCK.toMillis() * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reader.close();
        publisher.close();
        synchronized (this) {
            if (acknowledgements != null) {
                acknowledgements.close();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private void readLoop(java.util.function.Consumer<EventEnvelope> handler) {
        boolean pendingFirst = true;
        boolean grouped = false;
        while (running) {
            try {
                RedisCommands<String, String> redis = reader.sync();
                if (!grouped) {
                    ensureGroup(redis);
                    grouped = true;
                }
                // First what this consumer read but never acknowledged (a crash), then new entries.
                XReadArgs.StreamOffset<String> offset = pendingFirst
                        ? XReadArgs.StreamOffset.from(keys.engineIn(), "0")
                        : XReadArgs.StreamOffset.lastConsumed(keys.engineIn());
                List<StreamMessage<String, String>> entries = redis.xreadgroup(Consumer.from(group, consumer),
                        XReadArgs.Builder.block(BLOCK).count(BATCH), offset);
                if (pendingFirst && entries.isEmpty()) {
                    pendingFirst = false;
                }
                for (StreamMessage<String, String> entry : entries) {
                    handle(handler, entry);
                    redis.xack(keys.engineIn(), group, entry.getId());
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (grouped) {
                    log.warn("reading {} failed, retrying every {} ms: {}", keys.engineIn(), RETRY_MS, e.toString());
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
            handler.accept(EventEnvelope.fromJson(json));
        } catch (RuntimeException e) {
            // A poison entry must not stop the engine: it is acknowledged and logged.
            log.error("engine handler failed on entry {}", entry.getId(), e);
        }
    }

    private void ensureGroup(RedisCommands<String, String> redis) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(keys.engineIn(), "0"), group,
                    new XGroupCreateArgs().mkstream(true));
        } catch (RedisBusyException exists) {
            // BUSYGROUP: created before, by us or a sibling.
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
