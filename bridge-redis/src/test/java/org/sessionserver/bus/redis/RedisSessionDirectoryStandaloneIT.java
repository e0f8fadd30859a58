package org.sessionserver.bus.redis;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RedisSessionDirectorySuite} on one redis-server of its own. */
class RedisSessionDirectoryStandaloneIT extends RedisSessionDirectorySuite {
    @BeforeAll
    static void startRedis() {
        redis = RawRedis.start();
    }

    @Test
    void afterARedisRestartTheHeartbeatWritesTheSessionsAgain() throws Exception {
        get(directory.register(on(NODE, "alice", "a-1")));
        get(directory.register(on(NODE, "bob", "a-2")));
        redis.server.stop();
        redis.server.startAgain();
        long start = System.nanoTime();
        Wait.until(Duration.ofMillis(TTL_MS + 3_000),
                () -> List.of("a-1", "a-2").equals(tryIds(directory::all))
                        && List.of("a-1").equals(tryIds(() -> directory.ofParticipant("alice"))),
                () -> "sessions not written again: all=" + tryIds(directory::all));
        long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.printf("directory entries back %d ms after the Redis restart (TTL %d ms)%n", elapsedMs, TTL_MS);
    }
}
