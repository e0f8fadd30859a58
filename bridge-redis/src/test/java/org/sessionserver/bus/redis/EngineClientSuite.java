package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.testing.Wait;

/** The engine's side over Redis: consumer groups, at-least-once after a crash, and poison entries. */
abstract class EngineClientSuite {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofMillis(500);
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private RedisKeys keys;
    private final List<EngineClient> clients = new ArrayList<>();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(EngineClient::close);
        clients.clear();
    }

    private void newPrefix() {
        keys = new RedisKeys(RawRedis.newPrefix());
    }

    private EngineClient client(String group, String consumer, java.util.function.Consumer<EventEnvelope> handler) {
        EngineClient client = redis.engine(keys.prefix(), group, consumer);
        clients.add(client);
        client.onEvent(handler);
        return client;
    }

    private static String envelopeJson(String id) {
        return new EventEnvelope(BusJson.MAPPER.createObjectNode().put("id", id).put("type", "t"), "p", "s", "c",
                "n", "2025-10-28T22:45:00.000Z").toJson();
    }

    private void add(String id) {
        redis.sync().xadd(keys.engineIn(), "envelope", envelopeJson(id));
    }

    private static List<String> range(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    @Test
    void entriesLeftPendingByACrashedConsumerAreDeliveredAgainWhenItRestarts() {
        newPrefix();
        redis.sync().xgroupCreate(XReadArgs.StreamOffset.from(keys.engineIn(), "0"), "g",
                new XGroupCreateArgs().mkstream(true));
        range("crashed-", 3).forEach(this::add);
        // Consumer w1 reads three entries and dies before acknowledging them.
        List<StreamMessage<String, String>> taken = redis.sync().xreadgroup(Consumer.from("g", "w1"),
                XReadArgs.Builder.count(3), XReadArgs.StreamOffset.lastConsumed(keys.engineIn()));
        assertEquals(3, taken.size());
        assertEquals(3, redis.sync().xpending(keys.engineIn(), "g").getCount());
        range("new-", 2).forEach(this::add);

        List<String> handled = new CopyOnWriteArrayList<>();
        client("g", "w1", envelope -> handled.add(envelope.event().path("id").asText()));
        Wait.until(WAIT, () -> handled.size() >= 5, () -> "handled " + handled);
        Wait.settle(SETTLE);
        List<String> expected = new ArrayList<>(range("crashed-", 3));
        expected.addAll(range("new-", 2));
        assertEquals(expected, handled, "pending entries first, then new ones, each once");
        Wait.until(WAIT, () -> redis.sync().xpending(keys.engineIn(), "g").getCount() == 0, "all acknowledged");
    }

    @Test
    void pendingEntriesTrimmedAwayWhileTheConsumerWasDownDoNotStopIt() {
        newPrefix();
        redis.sync().xgroupCreate(XReadArgs.StreamOffset.from(keys.engineIn(), "0"), "g",
                new XGroupCreateArgs().mkstream(true));
        range("lost-", 2).forEach(this::add);
        redis.sync().xreadgroup(Consumer.from("g", "w1"), XReadArgs.Builder.count(2),
                XReadArgs.StreamOffset.lastConsumed(keys.engineIn()));
        // While w1 is down the stream is trimmed (MAXLEN) past its pending entries: they stay in its PEL, without a
        // body, and XREADGROUP ... 0 returns them as [id, nil].
        redis.sync().xtrim(keys.engineIn(), 0);
        add("fresh");

        List<String> handled = new CopyOnWriteArrayList<>();
        client("g", "w1", envelope -> handled.add(envelope.event().path("id").asText()));
        Wait.until(WAIT, () -> handled.contains("fresh"), () -> "handled " + handled
                + "; the engine is stuck on pending entries without a body");
        Wait.until(WAIT, () -> redis.sync().xpending(keys.engineIn(), "g").getCount() == 0, "PEL emptied");
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheEngine() {
        newPrefix();
        List<String> handled = new CopyOnWriteArrayList<>();
        client("g", "w1", envelope -> {
            String id = envelope.event().path("id").asText();
            handled.add(id);
            if (id.equals("poison")) {
                throw new IllegalStateException("poison entry, on purpose");
            }
        });
        add("before");
        add("poison");
        add("after");
        Wait.until(WAIT, () -> handled.size() >= 3, () -> "handled " + handled);
        Wait.settle(SETTLE);
        assertEquals(List.of("before", "poison", "after"), handled, "the poison entry is acknowledged, not retried");
        Wait.until(WAIT, () -> redis.sync().xpending(keys.engineIn(), "g").getCount() == 0, "all acknowledged");
    }

    @Test
    void twoClientsOfOneGroupSplitTheEvents() {
        newPrefix();
        Map<String, String> handledBy = new ConcurrentHashMap<>();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        for (String worker : List.of("w1", "w2")) {
            client("shared", worker, envelope -> {
                if (handledBy.putIfAbsent(envelope.event().path("id").asText(), worker) != null) {
                    duplicates.add(envelope.event().path("id").asText());
                }
                pause(5); // an engine does some work per event, so the other worker gets a turn
            });
        }
        int count = 100;
        for (String id : range("e", count)) {
            add(id);
            pause(2);
        }
        Wait.until(WAIT, () -> handledBy.size() == count, () -> "handled " + handledBy.size() + " of " + count);
        Wait.settle(SETTLE);
        assertEquals(List.of(), duplicates, "events handled twice");
        long byW1 = handledBy.values().stream().filter("w1"::equals).count();
        long byW2 = count - byW1;
        System.out.printf("group split: w1 %d, w2 %d%n", byW1, byW2);
        assertTrue(byW1 > 0 && byW2 > 0, "one worker took everything: w1 " + byW1 + ", w2 " + byW2);
    }

    @Test
    void eachGroupSeesEveryEvent() {
        newPrefix();
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        List<String> second = Collections.synchronizedList(new ArrayList<>());
        range("e", 20).forEach(this::add); // before any group exists: groups start at the stream's beginning
        client("analytics", "w1", envelope -> first.add(envelope.event().path("id").asText()));
        client("responder", "w1", envelope -> second.add(envelope.event().path("id").asText()));
        range("e", 40).subList(20, 40).forEach(this::add);
        Wait.until(WAIT, () -> first.size() >= 40 && second.size() >= 40,
                () -> "analytics " + first.size() + ", responder " + second.size());
        Wait.settle(SETTLE);
        assertEquals(range("e", 40), first);
        assertEquals(range("e", 40), second);
    }

    @Test
    void withSeveralStreamsEveryEventArrivesOnceAndEachParticipantsInOrder() throws Exception {
        newPrefix();
        EngineStreams streams = new EngineStreams(keys, 3);
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        try (RedisConnections node = redis.connect();
             EngineClient engine = EngineClient.connect(RawRedis.of(redis.deployment), keys.prefix(), 3, "g", "w1")) {
            RedisEngineBus bus = new RedisEngineBus(node, streams, 1_000, 0);
            engine.onEvent(envelope -> seen.computeIfAbsent(envelope.participantId(),
                    p -> Collections.synchronizedList(new ArrayList<>())).add(envelope.event().path("id").asText()));
            for (int i = 0; i < 60; i++) {
                EventEnvelope envelope = EventLoad.envelope("e" + i);
                bus.publishEvent(envelope).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            Wait.until(WAIT, () -> seen.values().stream().mapToInt(List::size).sum() >= 60, () -> "seen " + seen);
            Wait.settle(SETTLE);
            assertEquals(60, seen.values().stream().mapToInt(List::size).sum(), "each event once: " + seen);
            seen.forEach((participant, ids) -> assertEquals(ids.stream()
                    .sorted(java.util.Comparator.comparingInt(id -> Integer.parseInt(id.substring(1)))).toList(), ids,
                    participant + "'s events in order"));
            assertTrue(streams.all().stream().filter(stream -> redis.sync().xlen(stream) > 0).count() > 1,
                    "events spread over the streams");
            bus.close();
        }
    }

    @Test
    void publishedMessagesGoOutOnceOnTheChannelOfEachAudience() throws Exception {
        newPrefix();
        EngineClient client = redis.engine(keys.prefix(), "g", "w1");
        clients.add(client);
        List<String> received = new CopyOnWriteArrayList<>();
        try (RedisConnections node = redis.connect()) {
            node.subscribeSharded(keys.participantOut("p"), json -> received.add("p " + json)).get();
            node.subscribeSharded(keys.topicOut("t"), json -> received.add("t " + json)).get();
            String json = "{\"to\":[{\"participantId\":\"p\"},{\"participantId\":\"p\",\"sessionId\":\"s\"},"
                    + "{\"topic\":\"t\"}],\"data\":{\"x\":1}}";
            client.publishMessage(json).toCompletableFuture().get();
            Wait.until(WAIT, () -> received.size() == 2, "message received");
            Wait.settle(SETTLE);
            assertEquals(Set.of("p " + json, "t " + json), Set.copyOf(received));
            assertThrows(ExecutionException.class,
                    () -> client.publishMessage("{\"to\":[]}").toCompletableFuture().get(), "a malformed message");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
