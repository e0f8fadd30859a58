package org.sessionserver.compat.reliability;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.SessionServer;
import org.sessionserver.config.ServerConfig;

/** {@link ConnectThenPublishSuite} on one node with the embedded in-memory bus and directory. */
class ConnectThenPublishOneNodeIT extends ConnectThenPublishSuite {
    private static SessionServer node;

    @BeforeAll
    static void start() {
        node = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", "solo", "ENGINE_KEY",
                ENGINE_KEY, "LOG_LEVEL", "warn", "RATE_LIMIT_PER_SEC", "1000")));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    int connectPort() {
        return node.port();
    }

    @Override
    int publishPort() {
        return node.port();
    }

    @Override
    String deployment() {
        return "one-node";
    }
}
