package org.sessionserver.compat.reliability;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.config.ServerConfig;

/**
 * {@link ConnectThenPublishSuite} on two nodes over one Redis: clients connect to n2, the engine publishes through n1,
 * whose {@code GET /connections} (the directory in Redis) must list each session as soon as its client is connected.
 */
class ConnectThenPublishRedisIT extends ConnectThenPublishSuite {
    private static RedisServerProcess redis;
    private static SessionServer publishing;
    private static SessionServer holding;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        publishing = SessionServer.start(ServerConfig.fromEnv(env("n1")));
        holding = SessionServer.start(ServerConfig.fromEnv(env("n2")));
    }

    private static Map<String, String> env(String nodeId) {
        return Map.of("PORT", "0", "NODE_ID", nodeId, "REDIS_URL", redis.url(), "ENGINE", "none",
                "ENGINE_KEY", ENGINE_KEY, "LOG_LEVEL", "warn");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {holding, publishing, redis}) {
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
    String deployment() {
        return "two-nodes-over-redis";
    }
}
