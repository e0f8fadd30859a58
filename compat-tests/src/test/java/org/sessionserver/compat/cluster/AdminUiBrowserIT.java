package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.Wait;
import org.sessionserver.compat.samples.SampleKit;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.config.ServerConfig;

/**
 * The socket.io admin UI's own page ({@code @socket.io/admin-ui} 0.5.1 {@code ui/dist}, from compat-tests'
 * node_modules) in headless Chromium, driven by {@code node/admin-ui-drive.mjs} as an operator would, against one
 * node and against two nodes over Redis: a wrong password is refused, the right one logs in, the Servers page lists
 * every node, the Sockets page every client's session wherever it is connected, and the disconnect button of one
 * socket closes that client's session (on the other node, in the cluster) and takes its row away while the other
 * stays. Screenshots: {@code compat-tests/target/screenshots/admin-ui-*}.
 */
class AdminUiBrowserIT {
    private static final String USERNAME = "ops";
    private static final String PASSWORD = "admin pass 1";
    private static final Duration DRIVE_TIMEOUT = Duration.ofSeconds(75);

    private static Map<String, String> adminEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("ADMIN_UI", "true");
        env.put("ADMIN_USERNAME", USERNAME);
        env.put("ADMIN_PASSWORD_HASH", BCrypt.withDefaults().hashToString(6, PASSWORD.toCharArray()));
        return env;
    }

    @Test
    void oneNodeListsItsSocketsAndDisconnectsOne() {
        Map<String, String> env = adminEnv();
        env.putAll(Map.of("PORT", "0", "NODE_ID", "solo", "LOG_LEVEL", "warn"));
        try (SessionServer node = SessionServer.start(ServerConfig.fromEnv(env));
             ClusterClient alice = ClusterClient.connect(node.port(), "alice");
             ClusterClient bob = ClusterClient.connect(node.port(), "bob")) {
            JsonNode report = drive(node.port(), "admin-ui-one-node", List.of("solo"), alice, bob);
            assertTheUiSawAndDid(report, alice, bob);
        }
    }

    @Test
    void twoNodesShowUpAsServersAndASocketOnTheOtherNodeIsDisconnected() {
        try (Cluster cluster = Cluster.startOver(2, StandaloneRedis.start(), adminEnv());
             ClusterClient alice = ClusterClient.connect(cluster.port(1), "alice");
             ClusterClient bob = ClusterClient.connect(cluster.port(2), "bob")) {
            JsonNode report = drive(cluster.port(1), "admin-ui-two-nodes", List.of("n1", "n2"), bob, alice);
            assertTheUiSawAndDid(report, bob, alice);
        }
    }

    /** Logs in on the node at {@code port}; the UI disconnects {@code victim} and must keep {@code survivor}. */
    private static JsonNode drive(int port, String name, List<String> servers, ClusterClient victim,
                                  ClusterClient survivor) {
        Path nodeDir = SampleKit.compatDir().resolve("node");
        ClientScript.Result run = ClientScript.run(nodeDir, DRIVE_TIMEOUT, "node", "admin-ui-drive.mjs",
                "--server", "http://127.0.0.1:" + port, "--username", USERNAME, "--password", PASSWORD,
                "--wrong-password", "not it", "--servers", String.join(",", servers),
                "--sockets", victim.sessionId() + "," + survivor.sessionId(), "--disconnect", victim.sessionId(),
                "--out", SampleKit.screenshotsDir().toString(), "--name", name, "--chromium", SampleKit.chromium());
        run.assertPassed("the admin UI driver against port " + port);
        List<JsonNode> reports = SampleKit.jsonLines(run.output(), "REPORT");
        assertEquals(1, reports.size(), run.output());
        return reports.get(0);
    }

    private static void assertTheUiSawAndDid(JsonNode report, ClusterClient victim, ClusterClient survivor) {
        assertEquals("Error: Invalid namespace", report.path("wrongPasswordError").asText(),
                "a wrong password gets the unknown-namespace answer: " + report);
        assertEquals(List.of(), Cluster.JSON.convertValue(report.path("errors"), List.class), report.toString());
        Wait.until(ClusterClient.WAIT, () -> !victim.connected(), "the disconnected client's session closed");
        assertTrue(survivor.connected(), "the other client stays connected");
        String after = report.path("socketsAfter").toString();
        assertTrue(after.contains(survivor.sessionId()) && !after.contains(victim.sessionId()), after);
    }
}
