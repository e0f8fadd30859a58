package org.sessionserver.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.sessionserver.bus.TopicsContract;
import org.sessionserver.bus.testing.Wait;

/**
 * The topics contract over a real redis-server; then what only the Redis twin has: the documented keys (one topic or
 * participant per key, hash-tagged), changes that reach a node before the messages published after them, and an
 * engine's changes (EngineClient) told to the nodes like the server's own.
 */
abstract class RedisTopicsSuite extends TopicsContract {
    /** The deployment under test, set by each subclass before its tests. */
    static RawRedis redis;
    private RedisKeys keys;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Topics newTopics() {
        keys = new RedisKeys(RawRedis.newPrefix());
        RedisConnections connections = redis.connect();
        opened.add(connections);
        return RedisTopics.of(connections, keys);
    }

    @AfterEach
    void closeConnections() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void membershipLivesInHashTaggedKeysOfOneTopicOrParticipant() throws Exception {
        get(topics.change(TopicChange.join("room.1", "alice")));
        assertEquals(Set.of("alice"), redis.sync().smembers(keys.prefix() + "topic:{room.1}:members"));
        assertEquals(Set.of("room.1"), redis.sync().smembers(keys.prefix() + "participant:{alice}:topics"));
    }

    @Test
    void aNodeSeesAChangeBeforeAMessagePublishedAfterIt() throws Exception {
        RedisConnections node = redis.connect();
        opened.add(node);
        List<String> seen = new CopyOnWriteArrayList<>();
        RedisTopics.of(node, keys).onChange(change -> {
            seen.add("change " + change.add());
            return CompletableFuture.completedFuture(null);
        });
        new RedisEngineBus(node, keys, 1000).onMessage((message, copyFor) -> seen.add("message"));
        Wait.until(WAIT, () -> redis.subscribers(keys.topicChanges()) > 0 && redis.subscribers(keys.engineOut()) > 0,
                "node subscribed");
        for (int i = 0; i < 50; i++) {
            get(topics.change(TopicChange.join("t", "p" + i)));
            redis.sync().publish(keys.engineOut(), "{\"to\":[{\"topic\":\"t\"}]}");
        }
        Wait.until(WAIT, () -> seen.size() == 100, () -> "all seen: " + seen.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of("change [p" + i + "]", "message"), seen.subList(2 * i, 2 * i + 2));
        }
    }

    @Test
    void anEnginesChangesReachTheNodes() throws Exception {
        try (EngineClient engine = redis.engine(keys.prefix(), "g", "c")) {
            assertTrue(get(engine.join("t", "alice")));
            assertEquals(new TopicChange.Result(2, 1),
                    get(engine.changeMembers("t", List.of("bob", "carol"), List.of("alice"))));
            Wait.until(WAIT, () -> told.size() == 2, "both changes told");
            assertEquals(TopicChange.join("t", "alice"), told.get(0));
            assertEquals(Set.of("bob", "carol"), get(topics.members("t")));
            assertEquals(Set.of("bob", "carol"), get(engine.members("t")));
        }
    }
}
