package org.sessionserver.bus.redis;

import io.lettuce.core.XAddArgs;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.BusStatus;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine bus over Redis. Events are XADDed to the stream {@code <prefix>engine:in} (field {@code envelope},
 * trimmed approximately to {@code maxLen}). Messages are routed: each is SPUBLISHed once on the sharded channel of each
 * audience it names ({@link RedisKeys#audienceOut}), and a node SSUBSCRIBEs to the audiences it holds, so only nodes
 * with a recipient receive it. Messages that engines PUBLISH on {@code <prefix>engine:out} reach every node (the
 * costly path, kept for engines that have not moved).
 */
public final class RedisEngineBus implements EngineBus {
    public static final long DEFAULT_STREAM_MAXLEN = 100_000;
    private static final Logger log = LoggerFactory.getLogger(RedisEngineBus.class);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final long maxLen;
    private volatile BiConsumer<Message, Audience> receiver = (message, copyFor) -> { };

    public RedisEngineBus(RedisConnections redis, RedisKeys keys, long maxLen) {
        this.redis = redis;
        this.keys = keys;
        this.maxLen = maxLen;
    }

    @Override
    public CompletionStage<Void> publishEvent(EventEnvelope envelope) {
        if (!redis.isUp()) {
            return CompletableFuture.failedFuture(new IllegalStateException("redis is down"));
        }
        return redis.async()
                .xadd(keys.engineIn(), new XAddArgs().maxlen(maxLen).approximateTrimming(), "envelope", envelope.toJson())
                .thenApply(id -> (Void) null);
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

    @Override
    public BusStatus status() {
        return new BusStatus("redis", redis.isUp());
    }

    @Override
    public void close() {
        // The connections belong to whoever created them.
    }
}
