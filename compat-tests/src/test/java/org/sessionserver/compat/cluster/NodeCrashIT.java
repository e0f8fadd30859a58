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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.LifecycleEnvelope;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.Wait;

/**
 * A node killed with SIGKILL (no goodbye to Redis): its sessions leave the cluster directory within NODE_TTL_MS, and
 * with {@code ENGINE_LIFECYCLE} the surviving node tells the engine, once, that each of them closed
 * ({@code node_lost}) and that a participant left with no session elsewhere went offline. The
 * node runs as its own process from the runnable jar ({@code server/target/session-server.jar}, built by the package
 * phase before the integration tests; override with {@code -Dcompat.serverJar=...}).
 */
class NodeCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How late past the TTL the sessions may still show (or be told lost): a round trip and the poll interval. */
    private static final long MARGIN_MS = 500;
    private static final long SETTLE_MS = 1_000;
    private static Cluster cluster;
    private static EngineClient engine;
    private static final List<LifecycleEnvelope> told = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.startOver(1, StandaloneRedis.start(), Map.of("ENGINE_LIFECYCLE", "true"));
        engine = cluster.engine("crash-test", "reader");
        engine.onLifecycle(told::add);
        engine.onEvent(event -> { });
    }

    @AfterAll
    static void stopCluster() {
        if (engine != null) {
            engine.close();
        }
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
        builder.environment().putAll(cluster.env("crash", "none", port));
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

            // The survivor's sweep (every third of its TTL) tells the engine: each lost session once, grace offline.
            Wait.until(WAIT, () -> closed(onCrashNode.get(0)) + closed(onCrashNode.get(1)) + closed(onCrashNode.get(2))
                    == 3 && offline("grace") == 1, () -> "lifecycle told: " + told);
            long toldMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            System.out.printf("the engine was told of the lost sessions after %d ms%n", toldMs);
            assertTrue(toldMs <= Cluster.NODE_TTL_MS + MARGIN_MS, "told within NODE_TTL_MS of the kill: " + toldMs);
            Thread.sleep(SETTLE_MS); // a duplicate, from a second sweep say, would show meanwhile
            for (String session : onCrashNode) {
                assertEquals(1, closed(session), "closed once: " + session + " in " + told);
                assertEquals(1, count(LifecycleEnvelope.Kind.SESSION_OPENED, session), "opened once: " + session);
            }
            told.stream().filter(envelope -> envelope.kind() == LifecycleEnvelope.Kind.SESSION_CLOSED)
                    .forEach(envelope -> {
                        assertEquals(LifecycleEnvelope.NODE_LOST, envelope.reason());
                        assertEquals("crash", envelope.nodeId());
                    });
            assertEquals(1, offline("grace"));
            assertEquals(0, offline("frank"), "frank is still online on n1");
            assertEquals(1, told.stream().filter(envelope -> envelope.kind()
                    == LifecycleEnvelope.Kind.PARTICIPANT_ONLINE && envelope.participantId().equals("frank")).count());
        } finally {
            clients.forEach(ClusterClient::close);
            process.destroyForcibly();
        }
    }

    private static long closed(String sessionId) {
        return count(LifecycleEnvelope.Kind.SESSION_CLOSED, sessionId);
    }

    private static long count(LifecycleEnvelope.Kind kind, String sessionId) {
        return told.stream().filter(envelope -> envelope.kind() == kind && envelope.sessionId().equals(sessionId))
                .count();
    }

    private static long offline(String participantId) {
        return told.stream().filter(envelope -> envelope.kind() == LifecycleEnvelope.Kind.PARTICIPANT_OFFLINE
                && envelope.participantId().equals(participantId)).count();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
