package org.sessionserver.compat.cluster;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.compat.support.ScenarioScript;

/**
 * A socket.io-client that opted in to recovery and comes back on another node (two nodes over Redis) gets its
 * session id back, {@code socket.recovered === true}, and the messages it missed in order: node/recovery-cross-node.js.
 */
class CrossNodeRecoveryIT {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "recovery on another node over {0}")
    @ValueSource(strings = {"websocket", "polling"})
    void recoversOnAnotherNode(String transport) {
        ScenarioScript.NODE.assertPasses(Duration.ofSeconds(60), "recovery-cross-node.js",
                "http://127.0.0.1:" + cluster.port(1), "http://127.0.0.1:" + cluster.port(2), Cluster.ENGINE_KEY,
                transport);
    }
}
