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
import org.sessionserver.compat.support.FixtureTarget;

/**
 * socket.io-client 4.8.4 under Node against the real session server (embedded default, in-process), on each
 * transport: websocket only, polling only, and polling then upgrade to websocket (the upgrade is asserted). Covers
 * the {@code session} event (token from auth, query and Bearer header; proxy mode by auth and by header), refused
 * connects, events with and without ack (accepted, {@code invalid_event}, {@code forbidden_source},
 * {@code too_large}), echo to every connection, engine messages via {@code POST /messages} addressed to a session,
 * and {@code POST /participants/{id}/request} answered through the client's ack callback. The scenarios live in
 * {@code compat-tests/node/session-scenarios.js}; run them by hand against a server started with
 * {@code MAX_MESSAGE_SIZE=2048} with
 * {@code node session-scenarios.js http://127.0.0.1:<port> <websocket|polling|upgrade> <engineKey> <nodeId>}.
 */
class NodeSessionIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(60);
    private static final String NODE_ID = "compat-node-js";

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

    @ParameterizedTest(name = "socket.io-client sessions over {0}")
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void allScenariosPass(String transport) {
        Path dir = FixtureTarget.NodeProject.dir();
        assertTrue(Files.isDirectory(dir.resolve("node_modules/socket.io-client")),
                "socket.io-client is not installed in " + dir + " (run npm ci there)");
        ClientScript.run(dir, HARD_TIMEOUT, "node", "session-scenarios.js", server.baseUrl(), transport,
                        server.engineKey(), server.nodeId())
                .assertPassed("socket.io-client session scenarios over " + transport);
    }
}
