package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * A node killed with SIGKILL (no goodbye to Redis): its sessions leave the cluster directory within NODE_TTL_MS. The
 * node runs as its own process from the runnable jar ({@code server/target/session-server.jar}, built by the package
 * phase before the integration tests; override with {@code -Dcompat.serverJar=...}).
 */
class NodeCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How late past the TTL the sessions may still show: one reader round trip and the poll interval. */
    private static final long MARGIN_MS = 500;
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.start(1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Path serverJar() {
        String configured = System.getProperty("compat.serverJar");
        Path jar = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                        .toAbsolutePath().resolveSibling("server").resolve("target").resolve("session-server.jar");
        if (!Files.isRegularFile(jar)) {
            String message = "the runnable server jar is missing: " + jar + " (build it first: mvn -DskipTests package"
                    + " in the repository root, or pass -Dcompat.serverJar=/path/to/session-server.jar)";
            System.err.println(message);
            throw new IllegalStateException(message);
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void sessionsOfAKilledNodeLeaveTheDirectoryWithinTheNodeTtl() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("crash-node", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", serverJar().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Cluster.env(cluster.redis.url(), "crash", "none", port));
        Process process = builder.start();
        List<ClusterClient> clients = new ArrayList<>();
        try {
            Wait.until(Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the node process exited: " + read(log));
                }
                try {
                    return Cluster.get(port, "/health", null).statusCode() == 200;
                } catch (UncheckedIOException notYet) {
                    return false;
                }
            }, () -> "the node process did not become healthy: " + read(log));

            clients.add(ClusterClient.connect(port, "frank"));
            clients.add(ClusterClient.connect(port, "frank", true));
            clients.add(ClusterClient.connect(port, "grace"));
            ClusterClient survivor = ClusterClient.connect(cluster.port(1), "frank");
            clients.add(survivor);
            List<String> onCrashNode = clients.subList(0, 3).stream().map(ClusterClient::sessionId).toList();
            Wait.until(WAIT, () -> {
                Map<String, JsonNode> listed = Cluster.connectionsOrNull(cluster.port(1));
                return listed != null && listed.keySet().containsAll(onCrashNode)
                        && listed.containsKey(survivor.sessionId());
            }, "n1 lists the sessions of node crash");
            Map<String, JsonNode> listed = Cluster.connections(cluster.port(1));
            for (String session : onCrashNode) {
                assertEquals("crash", listed.get(session).path("nodeId").asText());
            }

            process.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Redis
            long killed = System.nanoTime();
            process.waitFor();
            Wait.until(Duration.ofMillis(Cluster.NODE_TTL_MS + MARGIN_MS), () -> {
                Map<String, JsonNode> now = Cluster.connectionsOrNull(cluster.port(1));
                return now != null && onCrashNode.stream().noneMatch(now::containsKey);
            }, () -> "still listed: " + Cluster.connectionsOrNull(cluster.port(1)));
            long goneMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            System.out.printf("sessions of the killed node gone after %d ms (NODE_TTL_MS %d)%n", goneMs,
                    Cluster.NODE_TTL_MS);
            assertTrue(Cluster.connections(cluster.port(1)).containsKey(survivor.sessionId()),
                    "the live node's session stays");
            HttpResponse<String> health = Cluster.get(cluster.port(1), "/health", null);
            assertEquals(200, health.statusCode(), health.body());
        } finally {
            clients.forEach(ClusterClient::close);
            process.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
