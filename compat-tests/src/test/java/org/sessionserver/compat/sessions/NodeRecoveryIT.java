package org.sessionserver.compat.sessions;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.compat.support.ScenarioScript;

/**
 * Connection state recovery as socket.io-client 4.8.4 sees it: opted-in connections get offsets, a reconnection
 * within RECOVERY_WINDOW_MS gets the missed messages in order with {@code socket.recovered === true}, a late one a
 * fresh session, and connections that did not opt in never an offset. Scenarios: {@code node/recovery-scenarios.js}.
 */
class NodeRecoveryIT {
    private static EmbeddedServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedServer.start("compat-recovery", Map.of("RECOVERY_WINDOW_MS", "1500", "ENGINE", "discard"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "recovery over {0}")
    @ValueSource(strings = {"websocket", "polling"})
    void recoveryScenariosPass(String transport) {
        ScenarioScript.NODE.assertPasses(Duration.ofSeconds(60), "recovery-scenarios.js", server.baseUrl(), transport,
                server.engineKey());
    }
}
