package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * A node that is behind stops reading its pub/sub connection ({@link RedisConnections#pauseReading}): Redis holds
 * what is published meanwhile in its output buffer for the connection, and once reading resumes every message
 * arrives, in order. Past {@code client-output-buffer-limit pubsub}, Redis drops the connection instead: once the node
 * reads again it sees the end, reconnects and resubscribes by itself, and says so.
 */
class PubSubPauseStandaloneIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PADDING = "p".repeat(8 * 1024);

    private static RawRedis redis;
    private RedisConnections node;
    private RedisConnections publisher;

    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void connect() {
        node = redis.connect();
        publisher = redis.connect();
    }

    @AfterEach
    void disconnect() {
        node.close();
        publisher.close();
        redis.sync().configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
    }

    @Test
    void whilePausedRedisHoldsTheMessagesAndAfterwardEveryOneArrivesInOrder() throws Exception {
        String channel = RawRedis.newPrefix() + "participant:{alice}:out";
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        node.subscribeSharded(channel, received::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        node.pauseReading(true);
        int messages = 1_000; // 8 MB: more than the kernel's socket buffers between Redis and the node hold
        for (int i = 0; i < messages; i++) {
            publisher.publishSharded(channel, i + ":" + PADDING);
        }
        publisher.publishSharded(channel, "last").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Wait.until(WAIT, () -> redis.deployment.pubSubOutputBytes() > 0, "Redis holds messages for the paused node");
        assertTrue(received.size() < messages, "the node kept reading: " + received.size());

        node.pauseReading(false);
        Wait.until(WAIT, () -> received.size() == messages + 1, () -> "received " + received.size());
        for (int i = 0; i < messages; i++) {
            assertEquals(i + ":" + PADDING, received.get(i), "message " + i);
        }
        assertEquals(0, redis.deployment.pubSubOutputBytes());
    }

    @Test
    void pastItsOutputBufferLimitRedisDropsThePausedNodeWhichReconnectsAndSaysSo() throws Exception {
        redis.sync().configSet("client-output-buffer-limit", "pubsub 1mb 1mb 0");
        String channel = RawRedis.newPrefix() + "participant:{bob}:out";
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger reconnects = new AtomicInteger();
        List<String> resubscribed = Collections.synchronizedList(new ArrayList<>());
        node.onReconnect(reconnects::incrementAndGet);
        node.onResubscribed(resubscribed::add);
        node.subscribeSharded(channel, received::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        node.pauseReading(true);
        for (int i = 0; i < 1_000; i++) {
            publisher.publishSharded(channel, i + ":" + PADDING);
        }
        publisher.publishSharded(channel, "last").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Wait.until(WAIT, () -> redis.deployment.shardSubscribers(channel) == 0, "Redis dropped the paused node");
        node.pauseReading(false); // a paused node reads nothing, the end of its connection included
        Wait.until(WAIT, () -> reconnects.get() > 0, "the node got back on Redis after the drop");
        Wait.until(WAIT, () -> resubscribed.contains(channel), "the channel was subscribed again, with its gap told");
        publisher.publishSharded(channel, "after").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Wait.until(WAIT, () -> received.contains("after"), "delivery resumed after the drop");
        assertTrue(received.size() < 1_002, "nothing was lost: Redis's limit was not reached?");
    }
}
