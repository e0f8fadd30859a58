package org.sessionserver.compat.sessions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.compat.support.ClientScript;

/**
 * python-socketio 5.7.2 (Debian's python3-socketio, with python3-requests and python3-websocket) against the real
 * session server (embedded default, in-process), on each transport: websocket only, polling only, and polling then
 * upgrade to websocket (the upgrade is asserted). Same ground as {@link NodeSessionIT}; proxy mode is asked for with
 * the {@code x-proxy-message} header and the Bearer token with {@code headers=}. The scenarios live in
 * {@code compat-tests/python/session_scenarios.py}; run them by hand against a server started with
 * {@code MAX_MESSAGE_SIZE=2048} with {@code /usr/bin/python3 session_scenarios.py http://127.0.0.1:<port>
 * <websocket|polling|upgrade> <engineKey> <nodeId>}. The interpreter is {@code /usr/bin/python3} (the Debian
 * packages are not visible to other interpreters on PATH), overridable with {@code -Dcompat.python=...}.
 */
class PythonSessionIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(90);
    private static final String NODE_ID = "compat-node-py";

    private static EmbeddedServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedServer.start(NODE_ID);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "python-socketio sessions over {0}")
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void allScenariosPass(String transport) {
        Path dir = Path.of(System.getProperty("compat.pythonDir", "python")).toAbsolutePath();
        String python = System.getProperty("compat.python", "/usr/bin/python3");
        assertTrue(Files.isExecutable(Path.of(python)), python + " is not there");
        ClientScript.run(dir, HARD_TIMEOUT, python, "-u", "session_scenarios.py", server.baseUrl(), transport,
                        server.engineKey(), server.nodeId())
                .assertPassed("python-socketio session scenarios over " + transport);
    }
}
