package org.sessionserver.bus.redis;

import io.lettuce.core.XAddArgs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.sessionserver.bus.BusStatus;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine bus over Redis: events are XADDed to the stream {@code <prefix>engine:in} (field {@code envelope},
 * trimmed approximately to {@code maxLen}); messages arrive on the channel {@code <prefix>engine:out}.
 */
public final class RedisEngineBus implements EngineBus {
    public static final long DEFAULT_STREAM_MAXLEN = 100_000;
    private static final Logger log = LoggerFactory.getLogger(RedisEngineBus.class);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final long maxLen;

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
    public CompletionStage<Void> publishMessage(String messageJson) {
        return redis.async().publish(keys.engineOut(), messageJson).thenApply(receivers -> (Void) null);
    }

    @Override
    public CompletionStage<Void> publishMessage(Message message) {
        return publishMessage(message.json());
    }

    @Override
    public void onMessage(Consumer<Message> receiver) {
        redis.subscribe(keys.engineOut(), json -> {
            Message message;
            try {
                message = Message.parse(json);
            } catch (IllegalArgumentException e) {
                log.warn("dropped a malformed engine message: {}", e.getMessage());
                return;
            }
            receiver.accept(message);
        });
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
