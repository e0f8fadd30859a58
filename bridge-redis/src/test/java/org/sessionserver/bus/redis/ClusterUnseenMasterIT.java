package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.Wait;

/**
 * A cluster master that a node has never had a connection to dies, and its replica takes over: the node's first
 * commands for that slot fail (its topology still names the dead master, and nothing of Lettuce's own reloads it: no
 * connection of the node's was lost, no redirect came), and that failure must reload the topology
 * ({@link FailureTelling}), so that the topic and directory commands of a node, and an {@link EngineClient}'s, work
 * again within seconds, not at Lettuce's periodic reload ({@link RedisLink#TOPOLOGY_REFRESH}, 60 s).
 */
class ClusterUnseenMasterIT {
    /** Well under the periodic reload; the promotion itself takes about two node timeouts. */
    private static final Duration BUDGET = Duration.ofSeconds(10);
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
    void commandsForAMasterThatDiedUnseenWorkAgainOnceItsReplicaTookOver() throws Exception {
        RedisKeys keys = new RedisKeys(RawRedis.newPrefix());
        String topic = "room.unseen";
        RedisServerProcess doomed = cluster.masterOf(keys.topicMembers(topic));
        // seeds without the doomed master: the node's own connections (commands, pub/sub) go to the others
        String seeds = "redis://" + cluster.servers().stream().filter(server -> server != doomed)
                .map(server -> "127.0.0.1:" + server.port()).collect(Collectors.joining(","));
        RedisDeployment deployment = RedisDeployment.parse(seeds, true);
        try (RedisConnections node = RedisConnections.connect(deployment);
             EngineClient engine = EngineClient.connect(deployment, keys.prefix(), 1, "unseen", "engine-1")) {
            RedisTopics topics = RedisTopics.of(node, keys);

            doomed.stop();
            long killedAt = System.nanoTime();
            Wait.until(Duration.ofSeconds(30), () -> promotedFor(keys.topicMembers(topic), doomed),
                    "a replica promoted");

            assertBackWithinBudget("a node's topic commands", killedAt,
                    () -> topics.members(topic).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertBackWithinBudget("an engine's topic commands", killedAt,
                    () -> engine.members(topic).toCompletableFuture().get(5, TimeUnit.SECONDS));
            topics.change(TopicChange.join(topic, "alice")).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Set.of("alice"), topics.members(topic).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(Set.of("alice"), engine.members(topic).toCompletableFuture().get(5, TimeUnit.SECONDS));
        } finally {
            doomed.startAgain();
            cluster.awaitOk();
        }
    }

    private static void assertBackWithinBudget(String what, long killedAt, Callable<Set<String>> members)
            throws InterruptedException {
        Set<String> got = null;
        while (got == null && System.nanoTime() - killedAt < BUDGET.toNanos()) {
            try {
                got = members.call();
            } catch (Exception failedMeanwhile) {
                Thread.sleep(100);
            }
        }
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("unseen master killed: %s work again %d ms after the kill%n", what, tookMs);
        assertTrue(got != null, what + " still failing " + BUDGET.toSeconds() + " s after the kill");
    }

    private static boolean promotedFor(String key, RedisServerProcess former) {
        try {
            return cluster.masterOf(key) != former;
        } catch (IllegalStateException noMasterYet) {
            return false;
        }
    }
}
