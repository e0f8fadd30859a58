package org.sessionserver.compat.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.compat.support.FixtureTarget;

/**
 * socket.io-client 4.8.4 under Node against the conformance fixture, on each transport: websocket only, polling
 * only, and polling then upgrade to websocket (the default; the upgrade is asserted). The scenarios live in
 * {@code compat-tests/node/client-scenarios.js}; run it by hand with
 * {@code node client-scenarios.js http://127.0.0.1:<port> <websocket|polling|upgrade>}.
 */
class NodeClientIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(120);

    private static FixtureTarget fixture;

    @BeforeAll
    static void startFixture() {
        fixture = FixtureTarget.start();
    }

    @AfterAll
    static void stopFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @ParameterizedTest(name = "socket.io-client over {0}")
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void allScenariosPass(String transport) {
        Path dir = FixtureTarget.NodeProject.dir();
        assertTrue(Files.isDirectory(dir.resolve("node_modules/socket.io-client")),
                "socket.io-client is not installed in " + dir + " (run npm ci there)");
        ClientScript.run(dir, HARD_TIMEOUT, "node", "client-scenarios.js", fixture.httpUrl(), transport)
                .assertPassed("socket.io-client scenarios over " + transport);
    }
}
