package org.sessionserver.bus.redis;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.bus.testing.RedisSentinelSet;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.TestRedis;

/** {@link FailoverSuite} on a Sentinel set of its own: acknowledgements back within 15 s of the kill. */
class SentinelFailoverIT extends FailoverSuite {
    private static RedisSentinelSet sentinel;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinelSet.start(2);
    }

    @AfterAll
    static void stop() {
        sentinel.close();
    }

    @Override
    TestRedis redis() {
        return sentinel;
    }

    @Override
    int streams() {
        return 1;
    }

    @Override
    RedisServerProcess masterOf(String stream) {
        return sentinel.master();
    }

    @Override
    List<RedisServerProcess> replicasOf(RedisServerProcess master) {
        return sentinel.replicas();
    }

    @Override
    void restart(RedisServerProcess killed) {
        sentinel.restart(killed);
    }

    @Override
    Duration budget() {
        return Duration.ofSeconds(15);
    }
}
