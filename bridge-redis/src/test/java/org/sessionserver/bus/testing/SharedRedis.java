package org.sessionserver.bus.testing;

import java.util.EnumMap;
import java.util.Map;

/** The JVM-wide deployments of {@link TestRedis#shared}. */
final class SharedRedis {
    private static final Map<TestRedis.Kind, TestRedis> STARTED = new EnumMap<>(TestRedis.Kind.class);

    private SharedRedis() {
    }

    static synchronized TestRedis of(TestRedis.Kind kind) {
        return STARTED.computeIfAbsent(kind, k -> {
            TestRedis redis = TestRedis.start(k);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-shared-redis-" + k));
            return redis;
        });
    }
}
