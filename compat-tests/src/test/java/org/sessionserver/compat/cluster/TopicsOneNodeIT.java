package org.sessionserver.compat.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sessionserver.SessionServer;

/** The topics suite on one node alone: membership in memory (the embedded default). */
class TopicsOneNodeIT extends TopicsSuite {
    private static SessionServer server;

    @BeforeAll
    static void startNode() {
        server = Cluster.startAlone();
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
