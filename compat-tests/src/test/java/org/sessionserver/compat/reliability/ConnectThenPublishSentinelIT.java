package org.sessionserver.compat.reliability;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.TestRedis;
import org.sessionserver.config.ServerConfig;

/** {@link ConnectThenPublishSuite} on two nodes over the JVM's Sentinel set (prefix of their own): as {@link ConnectThenPublishRedisIT}. */
class ConnectThenPublishSentinelIT extends ConnectThenPublishSuite {
    private static SessionServer publishing;
    private static SessionServer holding;

    @BeforeAll
    static void start() {
        TestRedis redis = TestRedis.shared(TestRedis.Kind.SENTINEL);
        publishing = SessionServer.start(ServerConfig.fromEnv(env(redis, "n1")));
        holding = SessionServer.start(ServerConfig.fromEnv(env(redis, "n2")));
    }

    private static Map<String, String> env(TestRedis redis, String nodeId) {
        Map<String, String> env = new HashMap<>(redis.env());
        env.putAll(Map.of("PORT", "0", "NODE_ID", nodeId, "REDIS_PREFIX", "ctp-sentinel:", "ENGINE", "none",
                "ENGINE_KEY", ENGINE_KEY, "LOG_LEVEL", "warn"));
        return env;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {holding, publishing}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Override
    int connectPort() {
        return holding.port();
    }

    @Override
    int publishPort() {
        return publishing.port();
    }

    @Override
    int cycles() {
        return CYCLES / 4;
    }

    @Override
    String deployment() {
        return "two-nodes-over-sentinel";
    }
}
