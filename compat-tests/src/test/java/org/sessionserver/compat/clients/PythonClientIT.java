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
 * python-socketio 5.7.2 (Debian's python3-socketio, with python3-requests and python3-websocket) against the
 * conformance fixture, on each transport: websocket only, polling only, and polling then upgrade to websocket (the
 * default; the upgrade is asserted). The scenarios live in {@code compat-tests/python/client_scenarios.py}; run it
 * by hand with {@code /usr/bin/python3 client_scenarios.py http://127.0.0.1:<port> <websocket|polling|upgrade>}.
 * The interpreter is {@code /usr/bin/python3} (the Debian packages are not visible to other interpreters on PATH),
 * overridable with {@code -Dcompat.python=...}.
 */
class PythonClientIT {
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

    @ParameterizedTest(name = "python-socketio over {0}")
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void allScenariosPass(String transport) {
        Path dir = Path.of(System.getProperty("compat.pythonDir", "python")).toAbsolutePath();
        String python = System.getProperty("compat.python", "/usr/bin/python3");
        assertTrue(Files.isExecutable(Path.of(python)), python + " is not there");
        ClientScript.run(dir, HARD_TIMEOUT, python, "-u", "client_scenarios.py", fixture.httpUrl(), transport)
                .assertPassed("python-socketio scenarios over " + transport);
    }
}
