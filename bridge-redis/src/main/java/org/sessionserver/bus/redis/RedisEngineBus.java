package org.sessionserver.bus.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.BusStatus;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine bus over Redis. Events are XADDed to the inbound stream of their participant ({@link EngineStreams},
 * field {@code envelope}, trimmed approximately to {@code maxLen}), and with {@code waitReplicas} > 0 acknowledged
 * only once {@code WAIT} says that many replicas have them (so a failover cannot lose them). Messages are routed: each
 * is SPUBLISHed once on the sharded channel of each audience it names ({@link RedisKeys#audienceOut}), and a node
 * SSUBSCRIBEs to the audiences it holds, so only nodes with a recipient receive it; messages that engines PUBLISH on
 * {@code <prefix>engine:out} reach every node (the costly path, kept for engines that have not moved).
 * {@link #status} is down while Redis refuses writes ({@link WriteHealth}).
 */
public final class RedisEngineBus implements EngineBus {
    public static final long DEFAULT_STREAM_MAXLEN = 100_000;
    /** How long an event waits for its replicas before it is refused. */
    public static final long WAIT_TIMEOUT_MS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(RedisEngineBus.class);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final EngineStreams streams;
    private final long maxLen;
    private final int waitReplicas;
    /** WAIT blocks its connection, and must follow the XADD on that very connection: one of its own. */
    private final DataConnection durable;
    /** The same for the health probe's WAITs, which must not hold up events'. */
    private final DataConnection probing;
    private final WriteHealth health;
    private volatile BiConsumer<Message, Audience> receiver = (message, copyFor) -> { };

    public RedisEngineBus(RedisConnections redis, RedisKeys keys, long maxLen) {
        this(redis, EngineStreams.one(keys), maxLen, 0);
    }

    public RedisEngineBus(RedisConnections redis, EngineStreams streams, long maxLen, int waitReplicas) {
        this.redis = redis;
        this.keys = streams.keys();
        this.streams = streams;
        this.maxLen = maxLen;
        this.waitReplicas = waitReplicas;
        this.durable = waitReplicas > 0 ? redis.connectDedicated() : null;
        this.probing = waitReplicas > 0 ? redis.connectDedicated() : null;
        this.health = new WriteHealth(redis, streams.all(), this::probe, redis.timer());
    }

    @Override
    public CompletionStage<Void> publishEvent(EventEnvelope envelope) {
        if (!redis.isUp()) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis is down"));
        }
        String stream = streams.of(envelope.participantId());
        XAddArgs trim = new XAddArgs().maxlen(maxLen).approximateTrimming();
        return watched(durably(durable, stream, connection -> connection.xadd(stream, trim,
                "envelope", envelope.toJson())));
    }

    @Override
    public CompletionStage<Void> tellOpened(SessionRecord session) {
        return tell(session, true, null);
    }

    @Override
    public CompletionStage<Void> tellClosed(SessionRecord session, String reason) {
        return tell(session, false, reason);
    }

    /** {@link LifecycleScript}, with the same durability as an event's. */
    private CompletionStage<Void> tell(SessionRecord session, boolean opening, String reason) {
        if (!redis.isUp()) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis is down"));
        }
        String stream = streams.of(session.participantId());
        return watched(durably(durable, stream,
                connection -> LifecycleScript.tell(connection, streams, maxLen, session, opening, reason)));
    }

    /** A write's outcome also tells {@link WriteHealth} whether Redis takes writes. */
    private CompletableFuture<Void> watched(CompletableFuture<Void> write) {
        return write.whenComplete((done, failure) -> {
            if (failure == null) {
                health.succeeded();
            } else {
                health.failed(failure);
            }
        });
    }

    /**
     * A write to {@code stream}, and with {@code waitReplicas} > 0 its WAIT on the same connection to the stream's
     * master ({@code dedicated}): fails when fewer replicas confirm it in time. A failure may also say that a
     * cluster's topology is stale ({@link RedisConnections#commandFailed}).
     */
    private CompletableFuture<Void> durably(DataConnection dedicated, String stream,
                                           Function<RedisClusterAsyncCommands<String, String>, RedisFuture<?>> write) {
        if (dedicated == null) { // the shared connection tells its failures itself (RedisConnections#async)
            return write.apply(redis.async()).toCompletableFuture().thenApply(reply -> null);
        }
        return dedicated.masterOf(stream).thenCompose(master -> write.apply(master).toCompletableFuture()
                        .thenCompose(reply -> master.waitForReplication(waitReplicas, WAIT_TIMEOUT_MS)))
                .<Void>thenApply(replicas -> {
                    if (replicas < waitReplicas) {
                        throw new IllegalStateException("WAIT: " + replicas + " of " + waitReplicas
                                + " replicas confirmed within " + WAIT_TIMEOUT_MS + " ms");
                    }
                    return null;
                })
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        redis.commandFailed(failure);
                    }
                });
    }

    /**
     * {@link WriteHealth}'s probe: a write that changes nothing, made as an event's is (with its WAIT), so that a
     * shortfall of replicas is not cleared by a probe that could not see it.
     */
    private CompletableFuture<Void> probe(String stream) {
        return durably(probing, stream, connection -> connection.xtrim(stream, true, maxLen));
    }

    @Override
    public CompletionStage<Void> publishMessage(Message message) {
        return publishRouted(message, keys, redis::publishSharded);
    }

    /**
     * Publishes the message once to the sharded channel of each of its audiences with {@code spublish(channel,
     * json)}; completes when Redis took every copy.
     */
    static CompletableFuture<Void> publishRouted(Message message, RedisKeys keys,
                                                 BiFunction<String, String, ? extends CompletionStage<?>> spublish) {
        List<Audience> audiences = message.audiences();
        CompletableFuture<?>[] copies = new CompletableFuture<?>[audiences.size()];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = spublish.apply(keys.audienceOut(audiences.get(i)), message.json()).toCompletableFuture();
        }
        return CompletableFuture.allOf(copies);
    }

    @Override
    public void onMessage(BiConsumer<Message, Audience> receiver) {
        this.receiver = receiver;
        redis.subscribe(keys.engineOut(), json -> receive(json, null));
    }

    @Override
    public CompletionStage<Void> listen(Audience audience) {
        return redis.subscribeSharded(keys.audienceOut(audience), json -> receive(json, audience));
    }

    @Override
    public void unlisten(Audience audience) {
        redis.unsubscribeSharded(keys.audienceOut(audience));
    }

    private void receive(String json, Audience copyFor) {
        Message message;
        try {
            message = Message.parse(json);
        } catch (IllegalArgumentException e) {
            log.warn("dropped a malformed engine message: {}", e.getMessage());
            return;
        }
        receiver.accept(message, copyFor);
    }

    /** Stops and resumes reading the pub/sub connection ({@link RedisConnections#pauseReading}). */
    @Override
    public void pauseMessages(boolean paused) {
        redis.pauseReading(paused);
    }

    @Override
    public BusStatus status() {
        String deployment = redis.deployment().kind().label();
        if (!redis.isUp()) {
            return new BusStatus("redis", false, deployment, "no connection to Redis");
        }
        String refusal = health.refusal();
        return new BusStatus("redis", refusal == null, deployment, refusal);
    }

    @Override
    public void close() {
        health.close();
        if (durable != null) {
            durable.close();
            probing.close();
        }
        // The shared connections belong to whoever created them.
    }
}
