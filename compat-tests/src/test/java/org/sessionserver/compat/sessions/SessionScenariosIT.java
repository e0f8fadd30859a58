package org.sessionserver.compat.sessions;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sessionserver.compat.support.ScenarioScript;

/**
 * socket.io-client 4.8.4 under Node ({@code compat-tests/node/session-scenarios.js}) and python-socketio 5.7.2
 * ({@code compat-tests/python/session_scenarios.py}) against the real session server (embedded default, in-process),
 * on each transport: websocket only, polling only, and polling then upgrade (asserted). Covers the {@code session}
 * event (token from auth, query and Bearer header; proxy mode by auth and by header), refused connects, events with
 * and without ack (accepted, {@code invalid_event}, {@code forbidden_source}, {@code too_large}), echo to every
 * connection, engine messages via {@code POST /messages} addressed to a session, and
 * {@code POST /participants/{id}/request} answered through the client's ack callback. Run a script by hand against a
 * server started with {@code MAX_MESSAGE_SIZE=2048}: {@code node session-scenarios.js http://127.0.0.1:<port>
 * <websocket|polling|upgrade> <engineKey> <nodeId>} (or {@code /usr/bin/python3 session_scenarios.py ...}).
 */
class SessionScenariosIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(90);

    private static EmbeddedServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedServer.start("compat-sessions");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} sessions over {1}")
    @MethodSource("org.sessionserver.compat.support.ScenarioScript#onEachTransport")
    void allScenariosPass(ScenarioScript client, String transport) {
        client.assertPasses(HARD_TIMEOUT, client == ScenarioScript.NODE ? "session-scenarios.js"
                : "session_scenarios.py", server.baseUrl(), transport, server.engineKey(), server.nodeId());
    }
}
