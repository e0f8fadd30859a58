package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionDirectoryContract;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.bus.testing.Wait;

/**
 * The session directory contract over a real redis-server; then what only the Redis twin has: several nodes, a node
 * that dies, a clean shutdown, and a Redis restart.
 */
abstract class RedisSessionDirectorySuite extends SessionDirectoryContract {
    static final long TTL_MS = 1_500;
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private RedisKeys keys;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected SessionDirectory newDirectory() {
        keys = new RedisKeys(RawRedis.newPrefix());
        return node(NODE, TTL_MS, redis.connect());
    }

    /** A directory of another node over its own connections, once its first heartbeat is in. */
    private RedisSessionDirectory node(String nodeId, long ttlMs, RedisConnections connections) {
        opened.add(connections);
        RedisSessionDirectory node = new RedisSessionDirectory(connections, keys, nodeId, ttlMs);
        opened.add(0, node);
        // The first heartbeat runs on the directory's own thread; a node serves no session before it (the server
        // builds the directory long before its port opens), so wait for it rather than race it.
        Wait.until(WAIT, () -> redis.sync().sismember(keys.nodes(), nodeId)
                && redis.sync().exists(keys.nodeAlive(nodeId)) == 1, "first heartbeat of " + nodeId);
        return node;
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        opened.clear();
    }

    static SessionRecord on(String node, String participant, String session) {
        return new SessionRecord(participant, session, "ch-" + session, node, false, "websocket",
                "2025-10-28T22:45:00.000Z");
    }

    private static List<String> ids(List<SessionRecord> sessions) {
        return sessions.stream().map(SessionRecord::sessionId).sorted().toList();
    }

    /** The read's result, or null when it failed (Redis still reconnecting). */
    static List<String> tryIds(Supplier<java.util.concurrent.CompletionStage<List<SessionRecord>>> read) {
        try {
            return ids(get(read.get()));
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void twoNodesSeeEachOthersSessions() throws Exception {
        RedisSessionDirectory b = node("node-b", TTL_MS, redis.connect());
        get(directory.register(on(NODE, "alice", "a-1")));
        get(b.register(on("node-b", "alice", "b-1")));
        get(b.register(on("node-b", "bob", "b-2")));
        for (SessionDirectory reader : List.of(directory, b)) {
            assertEquals(List.of("a-1", "b-1", "b-2"), ids(get(reader.all())));
            assertEquals(List.of("a-1", "b-1"), ids(get(reader.ofParticipant("alice"))));
            assertEquals(List.of("b-2"), ids(get(reader.ofParticipant("bob"))));
        }
    }

    @Test
    void sessionsOfANodeThatStopsHeartbeatingDisappearWithinItsTtl() throws Exception {
        long deadTtl = 1_000;
        List<SessionRecord> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        directory.onSessionsLost(session -> {
            lost.add(session);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        });
        RedisConnections deadLink = redis.connect();
        RedisSessionDirectory dead = node("dead", deadTtl, deadLink);
        get(directory.register(on(NODE, "alice", "live-1")));
        get(dead.register(on("dead", "alice", "dead-1")));
        get(dead.register(on("dead", "dave", "dead-2")));
        assertEquals(List.of("dead-1", "dead-2", "live-1"), ids(get(directory.all())));

        // The node loses Redis as a killed process would: no heartbeat, no goodbye (close() is never reached).
        deadLink.close();
        long start = System.nanoTime();
        Duration gone = Wait.until(Duration.ofMillis(deadTtl + 1_000),
                () -> List.of("live-1").equals(tryIds(directory::all))
                        && List.of("live-1").equals(tryIds(() -> directory.ofParticipant("alice")))
                        && List.of().equals(tryIds(() -> directory.ofParticipant("dave"))),
                () -> "dead node's sessions still listed: all=" + tryIds(directory::all));
        long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(elapsedMs <= deadTtl + 250, "gone after " + elapsedMs + " ms (" + gone.toMillis()
                + " ms of polling), TTL " + deadTtl + " ms");
        // A surviving node's heartbeat (every third of its TTL) sweeps the dead node out, reporting its sessions.
        Wait.until(Duration.ofMillis(TTL_MS), () -> !redis.sync().sismember(keys.nodes(), "dead"),
                "the dead node swept out of the node set");
        assertEquals(0, redis.sync().exists(keys.nodeSessions("dead")));
        assertEquals(List.of("dead-1", "dead-2"), ids(List.copyOf(lost)), "each session of the dead node reported");
    }

    @Test
    void closeRemovesTheNodesEntriesAtOnce() throws Exception {
        RedisSessionDirectory b = node("node-b", TTL_MS, redis.connect());
        get(directory.register(on(NODE, "alice", "a-1")));
        get(b.register(on("node-b", "alice", "b-1")));
        get(b.register(on("node-b", "bob", "b-2")));
        assertEquals(3, get(directory.all()).size());

        b.close();
        assertEquals(List.of("a-1"), ids(get(directory.all())));
        assertEquals(List.of("a-1"), ids(get(directory.ofParticipant("alice"))));
        assertEquals(List.of(), ids(get(directory.ofParticipant("bob"))));
        assertEquals(0, redis.sync().exists(keys.nodeSessions("node-b"), keys.nodeAlive("node-b"),
                keys.participant("bob")));
        assertFalse(redis.sync().sismember(keys.nodes(), "node-b"));
    }

}
