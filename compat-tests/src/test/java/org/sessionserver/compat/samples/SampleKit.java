package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sessionserver.SessionServer;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.config.ServerConfig;

/**
 * What the sample ITs ({@link BrowserSampleIT}, {@link ReactSampleIT}, {@link ClientSamplesIT}) share: where the
 * samples are, {@code npm install} where {@code node_modules} is missing, the real server in-process (embedded
 * default: echo engine, {@code AUTH_MODE=token}), and the Chromium driver {@code samples/browser/e2e/drive.mjs} with
 * the assertions on what its pages show.
 */
public final class SampleKit {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRIVE_TIMEOUT = Duration.ofSeconds(75);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private SampleKit() {
    }

    /** {@code compat-tests/}: the parent of {@code -Dcompat.nodeDir}, else the working directory (failsafe's). */
    public static Path compatDir() {
        String nodeDir = System.getProperty("compat.nodeDir");
        return (nodeDir != null ? Path.of(nodeDir).toAbsolutePath().getParent() : Path.of("").toAbsolutePath())
                .normalize();
    }

    /** {@code samples/} beside {@code compat-tests/}, or {@code -Dcompat.samplesDir}. */
    static Path samplesDir() {
        String explicit = System.getProperty("compat.samplesDir");
        Path dir = explicit != null ? Path.of(explicit).toAbsolutePath().normalize()
                : compatDir().resolveSibling("samples").normalize();
        assertTrue(Files.isDirectory(dir.resolve("browser")), "no samples/browser under " + dir);
        return dir;
    }

    /** {@code compat-tests/target/screenshots}: where the driver saves a PNG of each page. */
    public static Path screenshotsDir() {
        return compatDir().resolve("target").resolve("screenshots");
    }

    /** Debian's Chromium ({@code -Dcompat.chromium} to use another); never downloaded by a tool. */
    public static String chromium() {
        String path = System.getProperty("compat.chromium", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(path))) {
            fail(path + " is missing: apt-get install -y chromium (.ci/run installs it)");
        }
        return path;
    }

    /** {@code npm install} in {@code dir} unless {@code node_modules/<module>} is there already. */
    static void npmInstallIfMissing(Path dir, String module) {
        if (Files.isDirectory(dir.resolve("node_modules").resolve(module))) {
            return;
        }
        ClientScript.run(dir, NPM_TIMEOUT, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                .assertPassed("npm install in " + dir);
    }

    /** Closes each that was started (nulls skipped), in this order: engines before servers before Redis. */
    static void closeAll(AutoCloseable... started) throws Exception {
        for (AutoCloseable closeable : started) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    static SessionServer startServer(String nodeId) {
        return SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", nodeId,
                "DRAIN_TIMEOUT_MS", "0")));
    }

    static String url(SessionServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    /** The {@code <prefix> <json>} lines of a sample's output, parsed, in order. */
    public static List<JsonNode> jsonLines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> parse(l.substring(prefix.length() + 1)))
                .toList();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /**
     * Runs {@code samples/browser/e2e/drive.mjs} on the page served from {@code root} (four pages: A and B as
     * {@code alice}, P as {@code alice} in proxy mode, X as {@code bob}; A sends one event), and returns its report.
     */
    static JsonNode drive(Path root, String name, SessionServer server) {
        Path browser = samplesDir().resolve("browser");
        npmInstallIfMissing(browser, "playwright-core");
        ClientScript.Result run = ClientScript.run(browser, DRIVE_TIMEOUT, "node", "e2e/drive.mjs",
                "--server", url(server), "--root", root.toString(), "--out", screenshotsDir().toString(),
                "--name", name, "--chromium", chromium(), "--token", "alice", "--other", "bob");
        run.assertPassed("the Chromium driver on " + root);
        List<JsonNode> reports = jsonLines(run.output(), "REPORT");
        assertEquals(1, reports.size(), "one REPORT line expected; output:\n" + run.output());
        return reports.get(0);
    }

    /**
     * What each page must show: A, B and P connected as alice (P in proxy mode) with their own sessions on this node,
     * A's ack, the echo of A's event on A, B and P, exactly once each, and nothing on X (bob); no page error; a PNG
     * of each page.
     */
    static void assertPagesShowTheEcho(JsonNode report, String nodeId) {
        String eventId = report.path("eventId").asText();
        String text = report.path("text").asText();
        assertTrue(eventId.startsWith("evt_"), report.toString());
        JsonNode pages = report.path("pages");
        assertEquals(4, pages.size(), report.toString());
        JsonNode a = page(pages, "A");
        Set<String> sessionIds = new HashSet<>();
        for (JsonNode page : pages) {
            String name = page.path("page").asText();
            String why = "page " + name + ": " + page;
            boolean proxy = name.equals("P");
            String participant = name.equals("X") ? "bob" : "alice";
            assertEquals("connected", page.path("status").asText(), why);
            JsonNode session = page.path("session");
            assertEquals(participant, session.path("participantId").asText(), why);
            assertEquals(proxy, session.path("proxy").asBoolean(), why);
            assertEquals(proxy, page.path("proxyChecked").asBoolean(), why);
            assertEquals(nodeId, session.path("nodeId").asText(), why);
            assertFalse(session.path("channelId").asText().isEmpty(), why);
            assertTrue(sessionIds.add(session.path("sessionId").asText()), "sessionIds not distinct: " + report);
            assertEquals(List.of(), JSON.convertValue(page.path("errors"), List.class), why);
            assertScreenshot(Path.of(page.path("screenshot").asText()));

            JsonNode messages = page.path("messages");
            if (name.equals("X")) {
                assertEquals(0, messages.size(), "bob's page shows alice's message: " + why);
                continue;
            }
            assertEquals(1, messages.size(), "exactly one message expected: " + why);
            JsonNode shown = messages.get(0);
            assertEquals(eventId, shown.path("eventId").asText(), why);
            assertEquals("user.action: " + text, shown.path("text").asText(), why);
            JsonNode message = shown.path("message");
            JsonNode event = message.path("event");
            assertEquals(eventId, event.path("id").asText(), why);
            assertEquals("user.action", event.path("type").asText(), why);
            assertEquals("alice", event.path("source").path("id").asText(), why);
            assertEquals(text, event.path("data").path("text").asText(), why);
            assertFalse(event.path("timestamp").asText().isEmpty(), why);
            assertEquals(parse("[{\"participantId\":\"alice\"}]"), message.path("to"), why);
            assertTrue(message.path("data").path("echo").asBoolean(), why);
            assertEquals(a.path("session").path("sessionId").asText(), message.path("data").path("sessionId").asText(),
                    "the echo names page A's session: " + why);
        }
        assertEquals(parse("{\"ok\":true,\"id\":\"" + eventId + "\"}"), a.path("ack"), "page A's ack: " + a);
        for (String other : List.of("B", "P", "X")) {
            assertEquals("-", page(pages, other).path("ack").asText(), "only A sent: " + report);
        }
        assertNotEquals(a.path("session").path("sessionId"), page(pages, "B").path("session").path("sessionId"));
    }

    private static JsonNode page(JsonNode pages, String name) {
        for (JsonNode page : pages) {
            if (name.equals(page.path("page").asText())) {
                return page;
            }
        }
        throw new AssertionError("no page " + name + " in " + pages);
    }

    private static void assertScreenshot(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            assertTrue(bytes.length > 1000, file + " is " + bytes.length + " bytes");
            assertArrayEquals(PNG, Arrays.copyOf(bytes, 4), file + " is not a PNG");
        } catch (IOException e) {
            throw new AssertionError("no screenshot " + file, e);
        }
    }
}
