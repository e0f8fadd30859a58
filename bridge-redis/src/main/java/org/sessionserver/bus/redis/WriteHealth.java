package org.sessionserver.bus.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Whether Redis takes the bus's writes right now, so that {@code /health} tells the truth: an open connection is
 * not enough (a cluster node answers MOVED to every event when {@code REDIS_CLUSTER} is missing; a replica answers
 * READONLY; a cluster without a master for a slot answers CLUSTERDOWN; too few replicas confirm a WAIT). Every
 * {@link #PROBE_MS} it sends each inbound stream a write that changes nothing, made as an event's is (the bus's
 * {@code probe}: {@code XTRIM <stream> MAXLEN ~ <maxLen>}, routed like the XADD, with its WAIT), and every real write
 * reports its outcome too; the last outcome wins.
 */
final class WriteHealth implements AutoCloseable {
    static final long PROBE_MS = 1_000;

    private final RedisConnections redis;
    private final List<String> streams;
    private final Function<String, CompletableFuture<Void>> probe;
    private volatile String refusal;

    private final ScheduledFuture<?> probing;

    /** @param probe a write to one stream that changes nothing */
    WriteHealth(RedisConnections redis, List<String> streams, Function<String, CompletableFuture<Void>> probe,
                ScheduledExecutorService timer) {
        this.redis = redis;
        this.streams = streams;
        this.probe = probe;
        this.probing = timer.scheduleWithFixedDelay(this::probe, 0, PROBE_MS, TimeUnit.MILLISECONDS);
    }

    /** Null while writes are taken; else why not, in one line. */
    String refusal() {
        return refusal;
    }

    void succeeded() {
        refusal = null;
    }

    void failed(Throwable failure) {
        refusal = describe(failure);
    }

    private void probe() {
        if (!redis.isUp()) {
            return;
        }
        CompletableFuture<?>[] trims = streams.stream().map(probe).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(trims).whenComplete((done, failure) -> {
            if (failure == null) {
                succeeded();
            } else {
                failed(failure);
            }
        });
    }

    static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        String hint = message.startsWith("MOVED") ? " (REDIS_URL points at a Redis Cluster node: set REDIS_CLUSTER=true)"
                : message.startsWith("READONLY") ? " (REDIS_URL points at a replica)" : "";
        return "writes refused: " + cause.getClass().getSimpleName() + ": " + message + hint;
    }

    @Override
    public void close() {
        probing.cancel(false);
    }
}
