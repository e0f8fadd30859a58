package org.sessionserver.compat.clients;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.ScenarioScript;

/**
 * socket.io-client 4.8.4 under Node ({@code compat-tests/node/client-scenarios.js}) and python-socketio 5.7.2
 * ({@code compat-tests/python/client_scenarios.py}) against the conformance fixture, on each transport: websocket
 * only, polling only, and polling then upgrade to websocket (the default; the upgrade is asserted). Run a script by
 * hand with {@code node client-scenarios.js http://127.0.0.1:<port> <websocket|polling|upgrade>} (or
 * {@code /usr/bin/python3 client_scenarios.py ...}).
 */
class ClientScenariosIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(150);

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

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("org.sessionserver.compat.support.ScenarioScript#onEachTransport")
    void allScenariosPass(ScenarioScript client, String transport) {
        client.assertPasses(HARD_TIMEOUT, client == ScenarioScript.NODE ? "client-scenarios.js"
                : "client_scenarios.py", fixture.httpUrl(), transport);
    }
}
