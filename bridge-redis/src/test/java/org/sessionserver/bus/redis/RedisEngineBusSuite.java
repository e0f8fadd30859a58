package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.BusJson;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EngineBusContract;
import org.sessionserver.bus.EngineSide;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.testing.Wait;

/**
 * The engine bus contract over a real redis-server, with an {@link EngineClient} as the engine; then what only the
 * Redis twin has: the stream's wire form, trimming, and riding out a Redis restart.
 */
abstract class RedisEngineBusSuite extends EngineBusContract {
    /** For the trimming test only; the contract runs with the default, so the engine reads everything. */
    private static final long MAX_LEN = 100;
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private RedisConnections connections;
    RedisKeys keys;

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected EngineBus newBus() {
        keys = new RedisKeys(RawRedis.newPrefix());
        connections = redis.connect();
        return new RedisEngineBus(connections, keys, RedisEngineBus.DEFAULT_STREAM_MAXLEN);
    }

    @Override
    protected EngineSide engineSideOf(EngineBus bus) {
        return redis.engine(keys.prefix(), "engine", "worker-1");
    }

    @Override
    protected void awaitReceiving() {
        Wait.until(WAIT, () -> redis.subscribers(keys.engineOut()) >= 1, "the bus subscribed to " + keys.engineOut());
    }

    @Override
    protected String expectedKind() {
        return "redis";
    }

    @Override
    protected void checkMalformedStage(CompletionStage<Void> stage) throws Exception {
        // Routing reads the message's audiences first: a malformed one is refused before anything is published.
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(refused.getCause() instanceof IllegalArgumentException, refused.toString());
    }

    @AfterEach
    void closeConnections() {
        if (connections != null) {
            connections.close();
        }
    }

    @Test
    void streamHoldsOneEntryPerAcceptedEventWithTheEnvelopeField() throws Exception {
        for (int i = 0; i < 3; i++) {
            bus.publishEvent(envelope("evt_" + i)).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        List<StreamMessage<String, String>> entries = redis.sync().xrange(keys.engineIn(), Range.create("-", "+"));
        assertEquals(3, entries.size(), entries.toString());
        for (int i = 0; i < 3; i++) {
            StreamMessage<String, String> entry = entries.get(i);
            assertEquals(Set.of("envelope"), entry.getBody().keySet());
            JsonNode envelope = BusJson.MAPPER.readTree(entry.getBody().get("envelope"));
            assertEquals(new TreeSet<>(List.of("event", "participantId", "sessionId", "channelId", "nodeId",
                    "receivedAt")), fieldNames(envelope));
            EventEnvelope expected = envelope("evt_" + i);
            assertEquals(expected.event(), envelope.get("event"));
            assertEquals(expected.participantId(), envelope.get("participantId").textValue());
            assertEquals(expected.sessionId(), envelope.get("sessionId").textValue());
            assertEquals(expected.channelId(), envelope.get("channelId").textValue());
            assertEquals(expected.nodeId(), envelope.get("nodeId").textValue());
            assertEquals(expected.receivedAt(), envelope.get("receivedAt").textValue());
        }
    }

    @Test
    void streamIsTrimmedApproximatelyToMaxLen() throws Exception {
        EngineBus trimmed = new RedisEngineBus(connections, keys, MAX_LEN);
        int published = 2_000;
        CompletionStage<Void> last = null;
        for (int i = 0; i < published; i++) {
            last = trimmed.publishEvent(envelope("evt_" + i));
        }
        last.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        long length = redis.sync().xlen(keys.engineIn());
        // "~ MAXLEN" keeps at least maxLen and trims whole nodes (stream-node-max-entries, 100 by default).
        assertTrue(length >= MAX_LEN && length <= MAX_LEN + 100, "stream length " + length + " for maxLen " + MAX_LEN);
        List<StreamMessage<String, String>> newest = redis.sync().xrevrange(keys.engineIn(), Range.create("-", "+"),
                io.lettuce.core.Limit.create(0, 1));
        assertTrue(newest.get(0).getBody().get("envelope").contains("evt_" + (published - 1)));
    }

    @Test
    void twoNodesBothReceiveEachMessageOfAnAudienceBothListenTo() throws Exception {
        try (RedisConnections other = redis.connect()) {
            BlockingQueue<Message> otherMessages = new LinkedBlockingQueue<>();
            RedisEngineBus otherBus = new RedisEngineBus(other, keys, RedisEngineBus.DEFAULT_STREAM_MAXLEN);
            otherBus.onMessage((message, copyFor) -> otherMessages.add(message));
            otherBus.listen(Audience.participant("participant-123")).toCompletableFuture().join();
            String json = message("both");
            engine.publishMessage(json).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(json, poll(messages, "message on node 1").json());
            assertEquals(json, poll(otherMessages, "message on node 2").json());
        }
    }

    /**
     * Routed delivery: a node receives the copies of the audiences it listens to, each saying whom it is for, and
     * nothing else; after unlisten, nothing of that audience. Engines that PUBLISH on engine:out reach every node.
     */
    @Test
    void aNodeReceivesOnlyTheCopiesOfTheAudiencesItListensTo() throws Exception {
        try (RedisConnections connectionsA = redis.connect();
             RedisConnections connectionsB = redis.connect()) {
            BlockingQueue<String> a = copiesOf(connectionsA, Audience.participant("p"), Audience.topic("t"));
            BlockingQueue<String> b = copiesOf(connectionsB, Audience.participant("r"));
            engine.publishMessage("{\"to\":[{\"participantId\":\"p\"},{\"participantId\":\"r\"},{\"topic\":\"t\"},"
                    + "{\"participantId\":\"nobody-here\"}],\"data\":1}").toCompletableFuture().get();
            engine.publishMessage("{\"to\":[{\"participantId\":\"p\",\"sessionId\":\"s1\"},"
                    + "{\"participantId\":\"p\",\"sessionId\":\"s2\"}],\"data\":2}").toCompletableFuture().get();
            assertEquals(Set.of("1 for p", "1 for topic t", "2 for p"),
                    Set.of(poll(a, "copy"), poll(a, "copy"), poll(a, "copy")));
            assertEquals("1 for r", poll(b, "copy"));

            connectionsB.unsubscribeSharded(keys.participantOut("r")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Wait.until(WAIT, () -> redis.sync().pubsubShardNumsub(keys.participantOut("r")).get(
                    keys.participantOut("r")) == 0, "node B no longer listens to r");
            engine.publishMessage("{\"to\":[{\"participantId\":\"r\"},{\"participantId\":\"p\"}],\"data\":3}")
                    .toCompletableFuture().get();
            redis.sync().publish(keys.engineOut(), "{\"to\":[{\"participantId\":\"x\"}],\"data\":4}");
            // Two channels: in a cluster, on two shards and two connections, so in either order.
            assertEquals(Set.of("3 for p", "4 for every entry"), Set.of(poll(a, "copy"), poll(a, "copy")));
            assertEquals("4 for every entry", poll(b, "copy"));
            Wait.settle(SETTLE);
            assertTrue(a.isEmpty() && b.isEmpty(), "a copy too many: " + a + " " + b);
        }
    }

    /** A node on {@code connections} that listens to {@code audiences}: "data for audience" per copy received. */
    private BlockingQueue<String> copiesOf(RedisConnections connections, Audience... audiences) {
        BlockingQueue<String> copies = new LinkedBlockingQueue<>();
        RedisEngineBus node = new RedisEngineBus(connections, keys, RedisEngineBus.DEFAULT_STREAM_MAXLEN);
        long subscribed = redis.subscribers(keys.engineOut());
        node.onMessage((message, copyFor) -> copies.add(dataOf(message) + " for "
                + (copyFor == null ? "every entry" : copyFor.isTopic() ? "topic " + copyFor.topic()
                : copyFor.participantId())));
        for (Audience audience : audiences) {
            node.listen(audience).toCompletableFuture().join();
        }
        Wait.until(WAIT, () -> redis.subscribers(keys.engineOut()) > subscribed, "the node subscribed to engine:out");
        return copies;
    }

    private static String dataOf(Message message) {
        try {
            return BusJson.MAPPER.readTree(message.json()).path("data").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
