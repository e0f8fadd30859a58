package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.SlotHash;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.Wait;

/**
 * A slot moved from one master to another (a reshard, done as {@code redis-cli --cluster reshard} does it) while it
 * carries an inbound stream under load, a participant's and a topic's sharded channels with messages flowing, and
 * their directory and membership keys: nothing restarted, no acknowledged event lost, refusals meanwhile Redis's own
 * (a node answers them {@code unavailable}), and within {@link #BACK} of the move events acknowledged again (with and
 * without {@code REDIS_WAIT_REPLICAS}) and deliveries back on both channels, the gap told, the directory and the
 * topics working, the gap told once per channel, and an engine reading every acknowledged event. Four nodes, each
 * with only its own reason to learn the new owner: one subscribed, one writing with WAIT (on the connection to the
 * slot's master itself), one writing without, one publishing from event loops on their own connections to the
 * masters (no publish fails). Prints the timings; the README reports them.
 */
class ClusterReshardIT {
    /** What the move may cost a node after the last SETSLOT: no periodic topology refresh to wait for. */
    static final Duration BACK = Duration.ofSeconds(3);
    private static final long LOAD_PERIOD_MS = 5;
    private static RedisClusterSet cluster;

    @BeforeAll
    static void start() {
        cluster = RedisClusterSet.start(1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aSlotMovedUnderLoadLosesNothingAcknowledgedAndEverythingWorksAfterIt() throws Exception {
        RedisKeys keys = new RedisKeys(RawRedis.newPrefix());
        EngineStreams streams = new EngineStreams(keys, 3);
        String stream = streams.all().get(0);
        // Participant "0", topic "0" and stream {0} share one slot: its channels, directory, members and events.
        int slot = SlotHash.getSlot(stream);
        List<String> channels = List.of(keys.participantOut("0"), keys.topicOut("0"));
        for (String key : List.of(channels.get(0), channels.get(1), keys.participant("0"), keys.topicMembers("0"))) {
            assertEquals(slot, SlotHash.getSlot(key), key);
        }
        Predicate<String> onStream = participant -> streams.of(participant).equals(stream);
        Set<String> received = ConcurrentHashMap.newKeySet();
        List<String> resubscribed = new java.util.concurrent.CopyOnWriteArrayList<>();
        EventLoad durableLoad;
        EventLoad plainLoad;
        long movedAt;
        long acksBackMs;
        long deliveriesBackMs;
        RedisServerProcess target;
        Set<String> read = ConcurrentHashMap.newKeySet();
        List<Throwable> publishFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long publishedOnLoops;
        EventLoopGroup loops = new NioEventLoopGroup(2);
        try (EngineClient engine = EngineClient.connect(RawRedis.of(cluster), keys.prefix(), streams.count(),
                "engine", "e1");
             RedisConnections subscriber = RedisConnections.connect(RawRedis.of(cluster));
             RedisConnections durableNode = RedisConnections.connect(RawRedis.of(cluster));
             RedisConnections plainNode = RedisConnections.connect(RawRedis.of(cluster));
             RedisConnections publishingNode = RedisConnections.connect(RawRedis.of(cluster), loops)) {
            engine.onEvent(event -> read.add(event.event().path("id").asText()));
            subscriber.onResubscribed(resubscribed::add);
            for (String channel : channels) {
                subscriber.subscribeSharded(channel, received::add).get(10, TimeUnit.SECONDS);
            }
            RedisEngineBus durableBus = new RedisEngineBus(durableNode, streams, RedisEngineBus.DEFAULT_STREAM_MAXLEN,
                    FailoverSuite.WAIT_REPLICAS);
            RedisEngineBus plainBus = new RedisEngineBus(plainNode, streams, RedisEngineBus.DEFAULT_STREAM_MAXLEN, 0);
            RedisTopics topics = RedisTopics.of(plainNode, keys);
            RedisSessionDirectory directory = new RedisSessionDirectory(plainNode, keys, "n1", 5_000);
            get(topics.change(TopicChange.join("0", "alice")));
            get(directory.register(RedisSessionDirectorySuite.on("n1", "0", "s1")));
            durableLoad = new EventLoad(durableBus, LOAD_PERIOD_MS, "durable-");
            plainLoad = new EventLoad(plainBus, LOAD_PERIOD_MS, "plain-");
            MessageFlow flow = new MessageFlow(publishingNode, loops, channels, publishFailures);
            try {
                long before = System.nanoTime();
                Wait.until(Duration.ofSeconds(10), () -> durableLoad.ackedSince(before, onStream)
                        && plainLoad.ackedSince(before, onStream) && flow.deliveredSince(received, 0),
                        "events acknowledged and messages delivered before the move");
                target = cluster.migrateSlot(slot, Duration.ofMillis(200));
                movedAt = System.nanoTime();
                int firstAfter = flow.sent();
                Wait.until(BACK, () -> durableLoad.ackedSince(movedAt, onStream)
                        && plainLoad.ackedSince(movedAt, onStream), () -> "events of " + stream
                        + " acknowledged again within " + BACK + " of the move; durable "
                        + durableLoad.ackedSince(movedAt, onStream) + ", plain " + plainLoad.ackedSince(movedAt, onStream)
                        + "; last refusals " + last(durableLoad.refusals()) + " / " + last(plainLoad.refusals()));
                acksBackMs = Duration.ofNanos(System.nanoTime() - movedAt).toMillis();
                Wait.until(BACK, () -> flow.deliveredSince(received, firstAfter),
                        () -> "deliveries on every channel within " + BACK + " of the move; resubscribed "
                                + resubscribed);
                deliveriesBackMs = Duration.ofNanos(System.nanoTime() - movedAt).toMillis();
                long onLoopsBack = publishingNode.publishedOnLoops();
                Wait.until(BACK, () -> publishingNode.publishedOnLoops() > onLoopsBack + 10 * channels.size(),
                        "publishing on the loops' own connections again after the move");
                for (String channel : channels) {
                    assertEquals(1L, cluster.shardSubscribers(channel), "one subscription of " + channel);
                }
                get(topics.change(TopicChange.join("0", "bob")));
                assertEquals(Set.of("alice", "bob"), get(topics.members("0")));
                get(directory.register(RedisSessionDirectorySuite.on("n1", "0", "s2")));
                assertEquals(List.of("s1", "s2"), get(directory.ofParticipant("0")).stream()
                        .map(SessionRecord::sessionId).sorted().toList());
                durableLoad.close();
                plainLoad.close();
                Set<String> acked = new java.util.HashSet<>(durableLoad.ackedIds());
                acked.addAll(plainLoad.ackedIds());
                Wait.until(Duration.ofSeconds(10), () -> read.containsAll(acked), () -> "the engine read every "
                        + "acknowledged event; missing " + acked.stream().filter(id -> !read.contains(id)).limit(10)
                        .toList());
            } finally {
                flow.close();
                durableLoad.close();
                plainLoad.close();
                durableBus.close();
                plainBus.close();
                directory.close();
                topics.close();
            }
            publishedOnLoops = publishingNode.publishedOnLoops();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.out.printf("reshard of slot %d: events acknowledged again %d ms and deliveries back %d ms after the "
                        + "last SETSLOT; %d + %d events acknowledged, %d + %d refused%n", slot, acksBackMs,
                deliveriesBackMs, durableLoad.acked(), plainLoad.acked(), durableLoad.refusals().size(),
                plainLoad.refusals().size());
        System.out.println("refusals: " + refusalKinds(durableLoad) + " / " + refusalKinds(plainLoad));
        System.out.println("published on the loops' own connections: " + publishedOnLoops);
        assertEquals(target, cluster.masterOf(stream), "the slot moved");
        assertEquals(List.of(), publishFailures.stream().limit(5).toList(),
                "SPUBLISHes from the loops that failed (a MOVED on a loop's own connection goes again through the "
                        + "node's shared one)");
        for (EventLoad load : List.of(durableLoad, plainLoad)) {
            assertEquals(Set.of(), load.ackedButMissing(cluster.commands(), streams.all()),
                    "acknowledged events missing from the streams");
            for (Throwable refusal : load.refusals()) {
                Throwable cause = refusal instanceof CompletionException && refusal.getCause() != null
                        ? refusal.getCause() : refusal;
                assertTrue(cause instanceof RedisException || cause instanceof IllegalStateException,
                        "a refusal that is not a Redis failure: " + cause);
            }
        }
        assertEquals(channels.stream().sorted().toList(), resubscribed.stream().sorted().toList(),
                "the gap in the deliveries told once on each channel");
    }

    /** The refusals by the first word of their message (ASK, MOVED, TRYAGAIN...), with their counts. */
    private static java.util.Map<String, Long> refusalKinds(EventLoad load) {
        return load.refusals().stream().map(refusal -> {
            Throwable cause = refusal instanceof CompletionException && refusal.getCause() != null
                    ? refusal.getCause() : refusal;
            return cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).split(" ")[0];
        }).collect(java.util.stream.Collectors.groupingBy(kind -> kind, java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    private static String last(List<Throwable> refusals) {
        return refusals.isEmpty() ? "none" : String.valueOf(refusals.get(refusals.size() - 1));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Numbered messages SPUBLISHed on each channel every 10 ms, from event loops as a server's {@code POST /messages}
     * does (on the loops' own connections to the masters); failures are collected.
     */
    private static final class MessageFlow implements AutoCloseable {
        private final RedisConnections publisher;
        private final EventLoopGroup loops;
        private final List<String> channels;
        private final List<Throwable> failures;
        private final Thread thread;
        private volatile int sent;
        private volatile boolean running = true;

        MessageFlow(RedisConnections publisher, EventLoopGroup loops, List<String> channels, List<Throwable> failures) {
            this.publisher = publisher;
            this.loops = loops;
            this.channels = channels;
            this.failures = failures;
            this.thread = new Thread(this::run, "message-flow");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (running) {
                int number = sent;
                channels.forEach(channel -> loops.next().execute(() -> publisher
                        .publishSharded(channel, channel + "#" + number)
                        .whenComplete((subscribers, failure) -> {
                            if (failure != null) {
                                failures.add(failure);
                            }
                        })));
                sent = number + 1;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int sent() {
            return sent;
        }

        /** Whether each channel delivered a message numbered {@code first} or later. */
        boolean deliveredSince(Set<String> received, int first) {
            int last = sent;
            return channels.stream().allMatch(channel -> {
                for (int number = first; number < last; number++) {
                    if (received.contains(channel + "#" + number)) {
                        return true;
                    }
                }
                return false;
            });
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2_000);
        }
    }
}
