package org.sessionserver.bus.redis;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link RedisEngineBusSuite} on one redis-server of its own. */
class RedisEngineBusStandaloneIT extends RedisEngineBusSuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }

    @Test
    void eventsFailPromptlyWhileRedisIsDownAndFlowAgainAfterARestart() throws Exception {
        try {
            redis.server.stop();
            Wait.until(WAIT, () -> !bus.status().up(), "the bus noticed that Redis is gone");
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                try {
                    bus.publishEvent(envelope("during-outage-" + i)).toCompletableFuture().get(2, TimeUnit.SECONDS);
                    fail("an event was taken while Redis was down");
                } catch (java.util.concurrent.ExecutionException expected) {
                    // refused: the caller answers "unavailable"
                }
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(elapsedMs < 1_000, "refusal took " + elapsedMs + " ms");
            }
        } finally {
            redis.server.startAgain();
        }
        Wait.until(Duration.ofSeconds(15), () -> bus.status().up(), "the same bus is up again after the restart");
        bus.publishEvent(envelope("after-restart")).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        EventEnvelope received = poll(events, "event after the restart");
        assertEquals("after-restart", received.event().path("id").asText(), "nothing from the outage may arrive");
        assertEquals(1, redis.sync().xlen(keys.engineIn()));
    }

    @Test
    void anEventPublishedAsRedisDiesIsRefusedAndNeverWrittenLater() throws Exception {
        java.util.concurrent.CompletableFuture<Void> stage;
        long start;
        try {
            redis.server.stop();
            start = System.nanoTime(); // no waiting for the bus to notice: the command may already be on its way
            stage = bus.publishEvent(envelope("as-redis-dies")).toCompletableFuture();
            try {
                stage.get(2, TimeUnit.SECONDS);
                fail("an event was taken as Redis died");
            } catch (java.util.concurrent.ExecutionException expected) {
                // refused
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs < 1_000, "refusal took " + elapsedMs + " ms");
        } finally {
            redis.server.startAgain();
        }
        Wait.until(Duration.ofSeconds(15), () -> bus.status().up(), "up again");
        // A command Lettuce had buffered would be replayed on reconnect, before this one.
        bus.publishEvent(envelope("after")).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        List<StreamMessage<String, String>> entries = redis.sync().xrange(keys.engineIn(), Range.create("-", "+"));
        assertEquals(1, entries.size(), "a refused event was written after all: " + entries);
        assertTrue(entries.get(0).getBody().get("envelope").contains("\"after\""));
    }

    @Test
    void onMessageResubscribesByItselfAfterARestart() throws Exception {
        redis.server.stop();
        Wait.until(WAIT, () -> !bus.status().up(), "the bus noticed that Redis is gone");
        redis.server.startAgain();
        Wait.until(Duration.ofSeconds(15), () -> redis.subscribers(keys.engineOut()) >= 1,
                "the node subscribed again to " + keys.engineOut());
        String json = message("after-restart");
        redis.sync().publish(keys.engineOut(), json);
        Message received = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(received, "no message after the restart");
        assertEquals(json, received.json());
        assertFalse(messages.iterator().hasNext());
    }
}
