package org.sessionserver.compat.cluster;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.SessionServer;
import org.sessionserver.config.ServerConfig;

/** The topics suite on one node alone: membership in memory (the embedded default). */
class TopicsOneNodeIT extends TopicsSuite {
    private static SessionServer server;

    @BeforeAll
    static void startNode() {
        server = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", "solo", "ENGINE", "echo",
                "ENGINE_KEY", Cluster.ENGINE_KEY, "LOG_LEVEL", "warn")));
    }

    @AfterAll
    static void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    int nodes() {
        return 1;
    }

    @Override
    int port(int node) {
        return server.port();
    }

    @Override
    String engineKey() {
        return Cluster.ENGINE_KEY;
    }
}
