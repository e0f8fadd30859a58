package org.sessionserver.bus.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.testing.Wait;

/**
 * Events published on a bus at a steady pace by a thread of its own, as clients would send them through a node,
 * each with its outcome and when it was sent: what a failover test needs to tell how long acknowledgements stopped,
 * what the refusals were, and whether every acknowledged event is in the streams afterwards.
 */
final class EventLoad implements AutoCloseable {
    /** One event's fate. */
    record Outcome(String id, String participant, long sentAtNanos, long doneAtNanos, Throwable failure) {
        boolean acked() {
            return failure == null;
        }
    }

    private final EngineBus bus;
    private final long periodMs;
    private final String idPrefix;
    private final AtomicLong next = new AtomicLong();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final List<Outcome> ordered = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventLoad(EngineBus bus, long periodMs) {
        this(bus, periodMs, "load-");
    }

    /** Event ids start with {@code idPrefix}, so that several loads can share the streams. */
    EventLoad(EngineBus bus, long periodMs, String idPrefix) {
        this.bus = bus;
        this.periodMs = periodMs;
        this.idPrefix = idPrefix;
        this.thread = new Thread(this::run, "event-load-" + idPrefix);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            String id = idPrefix + next.incrementAndGet();
            long sent = System.nanoTime();
            EventEnvelope envelope = envelope(id);
            bus.publishEvent(envelope).whenComplete((done, failure) -> {
                Outcome outcome = new Outcome(id, envelope.participantId(), sent, System.nanoTime(), failure);
                outcomes.put(id, outcome);
                ordered.add(outcome);
            });
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ten participants, so that the events spread over every inbound stream. */
    static EventEnvelope envelope(String id) {
        ObjectNode event = BusJson.MAPPER.createObjectNode().put("id", id).put("type", "user.action")
                .put("timestamp", "2025-10-28T22:45:00.000Z");
        String participant = "p" + Math.floorMod(id.hashCode(), 10);
        event.putObject("source").put("id", participant);
        return new EventEnvelope(event, participant, "s-" + id, "c-" + id, "node-a", "2025-10-28T22:45:00.123Z");
    }

    /** Acknowledgements stop for longer than this only in an outage (events go every few ms). */
    static final long OUTAGE_NANOS = 300_000_000L;

    /**
     * How long after {@code killedAtNanos} the events of {@code participants} were acknowledged again: the end of the
     * longest pause between two of their acknowledgements after the kill (the dying server may still answer a few
     * just after it; commands queued for it may be answered by its successor). Null while no such pause has ended.
     */
    Duration ackedAgainAfter(long killedAtNanos, Predicate<String> participants) {
        List<Long> done = ordered.stream().filter(o -> o.acked() && participants.test(o.participant()))
                .map(Outcome::doneAtNanos).filter(at -> at > killedAtNanos - OUTAGE_NANOS).sorted().toList();
        long longest = 0;
        Long back = null;
        for (int i = 1; i < done.size(); i++) {
            long pause = done.get(i) - done.get(i - 1);
            if (done.get(i) > killedAtNanos && pause > OUTAGE_NANOS && pause > longest) {
                longest = pause;
                back = done.get(i);
            }
        }
        return back == null ? null : Duration.ofNanos(back - killedAtNanos);
    }

    /** Whether an event of {@code participants} sent after {@code nanos} was acknowledged. */
    boolean ackedSince(long nanos, Predicate<String> participants) {
        return ordered.stream().anyMatch(o -> o.acked() && o.sentAtNanos() > nanos && participants.test(o.participant()));
    }

    boolean ackedSince(long nanos) {
        return ordered.stream().anyMatch(o -> o.acked() && o.sentAtNanos() > nanos);
    }

    List<Throwable> refusals() {
        List<Throwable> refusals = new ArrayList<>();
        ordered.forEach(o -> {
            if (!o.acked()) {
                refusals.add(o.failure());
            }
        });
        return refusals;
    }

    /** The acknowledged event ids missing from the streams. */
    Set<String> ackedButMissing(RedisClusterCommands<String, String> redis, List<String> streams) {
        Set<String> inStreams = new HashSet<>();
        for (String stream : streams) {
            for (StreamMessage<String, String> entry : redis.xrange(stream, Range.create("-", "+"))) {
                String envelope = entry.getBody().get("envelope");
                int start = envelope.indexOf("\"id\":\"") + 6;
                inStreams.add(envelope.substring(start, envelope.indexOf('"', start)));
            }
        }
        Set<String> missing = new HashSet<>();
        outcomes.values().forEach(o -> {
            if (o.acked() && !inStreams.contains(o.id())) {
                missing.add(o.id());
            }
        });
        return missing;
    }

    Set<String> ackedIds() {
        Set<String> ids = new HashSet<>();
        ordered.forEach(o -> {
            if (o.acked()) {
                ids.add(o.id());
            }
        });
        return ids;
    }

    int acked() {
        return (int) ordered.stream().filter(Outcome::acked).count();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Wait.until(RedisConnections.COMMAND_TIMEOUT.plusSeconds(2), () -> ordered.size() == next.get(),
                "every event answered");
    }
}
