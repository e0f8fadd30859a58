package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * Sharded channels (SSUBSCRIBE, SPUBLISH) of {@link RedisConnections}, run once per deployment: a subscription is
 * confirmed before what is published next, channels of many slots at once (one SSUBSCRIBE each: CROSSSLOT
 * otherwise), unsubscribe, and subscriptions dropped by the server made again by themselves and told.
 */
abstract class ShardedChannelsSuite {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private RedisKeys keys;
    private RedisConnections node;
    private RedisConnections publisher;

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void connect() {
        keys = new RedisKeys(RawRedis.newPrefix());
        node = open(redis.connect());
        publisher = open(redis.connect());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private List<String> channels(int count) {
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channels.add(i % 2 == 0 ? keys.participantOut("p" + i) : keys.topicOut("t" + i));
        }
        return channels;
    }

    /** Subscribes the node to every channel; what arrives is added to {@code received} as channel=message. */
    private void subscribeAll(List<String> channels, Set<String> received) throws Exception {
        for (String channel : channels) {
            node.subscribeSharded(channel, message -> received.add(channel + "=" + message))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void whatIsPublishedAfterTheSubscriptionIsConfirmedArrivesOnEveryChannel() throws Exception {
        List<String> channels = channels(30);
        Set<String> received = ConcurrentHashMap.newKeySet();
        subscribeAll(channels, received);
        for (String channel : channels) {
            assertEquals(1L, publisher.publishSharded(channel, "m").get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "subscribers of " + channel);
        }
        Wait.until(WAIT, () -> received.size() == channels.size(), () -> "received " + received);
    }

    /**
     * Published from a server event loop, a message goes out on that loop's own connection (in a cluster its own
     * connection to the channel's master, opened at the loop's first publish there, which goes through the shared
     * connection meanwhile) and arrives like any other.
     */
    @Test
    void publishedFromAServerLoopGoesOutOnThatLoopsOwnConnection() throws Exception {
        List<String> channels = channels(12);
        Set<String> received = ConcurrentHashMap.newKeySet();
        subscribeAll(channels, received);
        EventLoopGroup loops = new NioEventLoopGroup(2); // Lettuce's own kind here: no native transport in this module
        try (RedisConnections onLoops = RedisConnections.connect(RawRedis.of(redis.deployment), loops)) {
            for (String round : List.of("first", "second")) {
                for (String channel : channels) {
                    CompletableFuture<Long> subscribers = loops.next()
                            .submit(() -> onLoops.publishSharded(channel, round)).get();
                    assertEquals(1L, subscribers.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "subscribers");
                }
                Wait.settle(Duration.ofMillis(300)); // a cluster's loops open their connections to the masters
            }
            Wait.until(WAIT, () -> received.size() == 2 * channels.size(), () -> "received " + received);
            assertTrue(onLoops.publishedOnLoops() >= channels.size(),
                    "published on the loops' own connections: " + onLoops.publishedOnLoops());
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void afterUnsubscribingNothingMoreArrives() throws Exception {
        String channel = keys.participantOut("alice");
        List<String> received = new CopyOnWriteArrayList<>();
        node.subscribeSharded(channel, received::add).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        publisher.publishSharded(channel, "before").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Wait.until(WAIT, () -> received.contains("before"), "first message");
        node.unsubscribeSharded(channel).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(0L, publisher.publishSharded(channel, "after").get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Wait.settle(Duration.ofMillis(200));
        assertEquals(List.of("before"), received);
    }

    @Test
    void subscriptionsDroppedByTheServerAreMadeAgainAndTold() throws Exception {
        List<String> channels = channels(12);
        Set<String> received = ConcurrentHashMap.newKeySet();
        Set<String> resubscribed = ConcurrentHashMap.newKeySet();
        node.onResubscribed(resubscribed::add);
        subscribeAll(channels, received);
        redis.deployment.killPubSubClients();
        Wait.until(WAIT, () -> resubscribed.containsAll(channels), () -> "told of " + resubscribed);
        // Told once subscribed again: from now on every channel delivers.
        for (String channel : channels) {
            publisher.publishSharded(channel, "after").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        Wait.until(WAIT, () -> received.size() == channels.size(), () -> "received " + received);
        assertTrue(channels.stream().allMatch(channel -> redis.deployment.shardSubscribers(channel) == 1),
                "one subscription per channel, not duplicated");
    }

    /**
     * Nothing failed, so nothing is told: a cluster's topology reload opens and closes connections of Lettuce's own,
     * which once counted as outages (every channel resubscribed and every topic reloaded at each periodic reload).
     */
    @Test
    void quietConnectionsAreNeverToldOfAGap() throws Exception {
        List<String> channels = channels(6);
        Set<String> resubscribed = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger reconnects = new java.util.concurrent.atomic.AtomicInteger();
        node.onResubscribed(resubscribed::add);
        node.onReconnect(reconnects::incrementAndGet);
        for (String channel : channels) {
            node.subscribeSharded(channel, message -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        for (int reload = 0; reload < 3; reload++) {
            node.refreshTopology(); // on a cluster: what the periodic reload does (elsewhere nothing)
            Wait.settle(Duration.ofMillis(1_000));
        }
        assertEquals(Set.of(), resubscribed, "no gap, no resubscription");
        assertEquals(0, reconnects.get(), "no outage");
    }
}
