package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.config.ServerConfig;

/**
 * The raw WebSocket samples ({@code samples/node-raw/client.mjs} with the {@code ws} package, and
 * {@code samples/python-raw/client.py} with Debian's python3-websocket) against the real session server in-process
 * (embedded default: echo engine, {@code AUTH_MODE=token}). For each: a {@code --once} run (hello, hello_ack, one
 * event, its ack, its echo, exit 0), and reconnection: started while nothing listens, it backs off 1 s then 2 s,
 * connects once a server comes up on that port, and after that server stops (close 1001) starts over at 1 s and
 * gets a new hello_ack from the next server. Also the backoff unit tests ({@code node --test samples/node-raw/},
 * {@code python3 -m unittest test_client}). {@code npm install} runs in {@code samples/node-raw} first when its
 * {@code node_modules/ws} is missing.
 */
class RawSamplesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(10);

    private static Path samples;
    private static Path nodeDir;
    private static Path pythonDir;
    private static String python;
    private static SessionServer server;

    @BeforeAll
    static void setUp() {
        samples = samplesDir();
        nodeDir = samples.resolve("node-raw");
        pythonDir = samples.resolve("python-raw");
        python = System.getProperty("compat.python", "/usr/bin/python3");
        assertTrue(Files.isExecutable(Path.of(python)), python + " is not there");
        if (!Files.isDirectory(nodeDir.resolve("node_modules").resolve("ws"))) {
            ClientScript.run(nodeDir, Duration.ofMinutes(3), "npm", "install", "--no-audit", "--no-fund",
                    "--loglevel=error").assertPassed("npm install in " + nodeDir);
        }
        server = start(0, "samples-node");
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code samples/} beside {@code compat-tests/}: {@code -Dcompat.samplesDir}, else from compat.nodeDir or cwd. */
    private static Path samplesDir() {
        String explicit = System.getProperty("compat.samplesDir");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String nodeDir = System.getProperty("compat.nodeDir");
        Path compat = nodeDir != null ? Path.of(nodeDir).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        Path dir = compat.resolveSibling("samples").normalize();
        assertTrue(Files.isDirectory(dir.resolve("node-raw")), "no samples/node-raw under " + dir);
        return dir;
    }

    private static SessionServer start(int port, String nodeId) {
        // DRAIN_TIMEOUT_MS=0: a stop closes the connections at once (the clients see 1001 without waiting for a drain)
        return SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", Integer.toString(port), "NODE_ID", nodeId,
                "DRAIN_TIMEOUT_MS", "0")));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String url(int port) {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    // ---- unit tests of the backoff ----

    @Test
    void nodeBackoffUnitTestsPass() {
        ClientScript.Result result = ClientScript.run(samples.getParent(), RUN_TIMEOUT, "node", "--test",
                "samples/node-raw/");
        result.assertPassed("node --test samples/node-raw/");
        assertTrue(result.output().contains("# fail 0") && result.output().contains("# pass 4"), result.output());
    }

    @Test
    void pythonNextDelayIsOneSecondDoublingUpTo60() {
        ClientScript.run(pythonDir, RUN_TIMEOUT, python, "-m", "unittest", "-v", "test_client")
                .assertPassed("python3 -m unittest test_client");
        ClientScript.Result check = ClientScript.run(pythonDir, RUN_TIMEOUT, python, "-c",
                "from client import next_delay; print([next_delay(a) for a in range(9)])");
        check.assertPassed("next_delay");
        assertEquals("[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]", check.output().strip());
    }

    // ---- one session ----

    @Test
    void nodeClientOnceSaysHelloSendsAnEventAndGetsItsAckAndEcho() {
        // URL and TOKEN from the environment, ONCE=1
        try (SampleProcess client = SampleProcess.start(nodeDir,
                Map.of("URL", url(server.port()), "TOKEN", "node-sample", "ONCE", "1"), "node", "client.mjs")) {
            client.assertExitsZero(RUN_TIMEOUT);
            assertOneSession(client.lines(), 0, "node-sample", "samples-node");
        }
    }

    @Test
    void pythonClientOnceSaysHelloSendsAnEventAndGetsItsAckAndEcho() {
        // URL and TOKEN as arguments, --once
        try (SampleProcess client = SampleProcess.start(pythonDir, Map.of(), python, "-u", "client.py",
                url(server.port()), "python-sample", "--once")) {
            client.assertExitsZero(RUN_TIMEOUT);
            assertOneSession(client.lines(), 0, "python-sample", "samples-node");
        }
    }

    // ---- reconnection with backoff ----

    @Test
    void nodeClientReconnectsWithBackoff() {
        assertReconnects("node-reconnect", port -> SampleProcess.start(nodeDir, Map.of(), "node", "client.mjs",
                url(port), "node-reconnect"));
    }

    @Test
    void pythonClientReconnectsWithBackoff() {
        assertReconnects("python-reconnect", port -> SampleProcess.start(pythonDir, Map.of(), python, "-u",
                "client.py", url(port), "python-reconnect"));
    }

    private interface Launcher {
        SampleProcess start(int port);
    }

    private static void assertReconnects(String participant, Launcher launcher) {
        int port = freePort();
        SessionServer first = null;
        SessionServer second = null;
        try (SampleProcess client = launcher.start(port)) {
            // nothing listens: 1 s, then 2 s
            int one = client.awaitLine(0, l -> l.contains("reconnecting in 1000 ms (attempt 1)"), STEP,
                    "'reconnecting in 1000 ms (attempt 1)'");
            int two = client.awaitLine(one, l -> l.contains("reconnecting in 2000 ms (attempt 2)"), STEP,
                    "'reconnecting in 2000 ms (attempt 2)'");
            first = start(port, "samples-first");
            int acked = client.awaitLine(two, l -> isEcho(l), STEP, "with the echo from the first server");
            assertOneSession(client.lines(), two, participant, "samples-first");
            // the server goes away: 1001, and the backoff starts over at 1 s (reset by the hello_ack)
            first.close();
            first = null;
            int closed = client.awaitLine(acked, l -> l.contains("closed: 1001"), STEP, "'closed: 1001'");
            int again = client.awaitLine(closed, l -> l.contains("reconnecting in"), STEP, "'reconnecting in'");
            assertTrue(client.lines().get(again).contains("reconnecting in 1000 ms (attempt 1)"),
                    "backoff not reset after a hello_ack: " + client.lines().get(again) + "\n" + client.output());
            second = start(port, "samples-second");
            client.awaitLine(again, l -> isEcho(l), STEP, "with the echo from the second server");
            assertOneSession(client.lines(), again, participant, "samples-second");
        } finally {
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    // ---- output ----

    private static boolean isEcho(String line) {
        JsonNode frame = frame(line, "< ");
        return frame != null && "message".equals(frame.path("type").asText())
                && frame.path("payload").path("data").path("echo").asBoolean();
    }

    /** The JSON frame of a {@code <timestamp> > {...}} (sent) or {@code <timestamp> < {...}} (received) line. */
    private static JsonNode frame(String line, String direction) {
        int space = line.indexOf(' ');
        if (space < 0 || !line.startsWith(direction, space + 1)) {
            return null;
        }
        try {
            return JSON.readTree(line.substring(space + 1 + direction.length()));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * From line {@code from} on: a hello sent with the token, a hello_ack for the participant on this node, an
     * event sent with a request id, its ack {@code {ok:true,id}} with that request id, and the echo of that event
     * as a {@code message} frame.
     */
    private static void assertOneSession(List<String> all, int from, String participant, String nodeId) {
        List<String> lines = all.subList(from, all.size());
        String output = String.join("\n", all);
        List<JsonNode> sent = new ArrayList<>();
        List<JsonNode> received = new ArrayList<>();
        for (String line : lines) {
            JsonNode out = frame(line, "> ");
            if (out != null) {
                sent.add(out);
            }
            JsonNode in = frame(line, "< ");
            if (in != null) {
                received.add(in);
            }
        }
        JsonNode hello = first(sent, "hello", output);
        assertEquals(participant, hello.path("payload").path("token").asText(), output);
        assertFalse(hello.path("payload").path("proxy").asBoolean(true), output);
        assertTrue(hello.path("payload").path("client_meta").isObject(), output);

        JsonNode helloAck = first(received, "hello_ack", output);
        assertEquals(hello.get("request_id"), helloAck.get("request_id"), output);
        JsonNode session = helloAck.get("payload");
        assertEquals(participant, session.path("participantId").asText(), output);
        assertEquals(nodeId, session.path("nodeId").asText(), output);
        assertTrue(session.path("sessionId").asText().length() > 3, output);
        assertTrue(session.path("channelId").asText().length() > 3, output);

        JsonNode message = first(sent, "message", output);
        JsonNode event = message.get("payload");
        String eventId = event.path("id").asText();
        assertEquals(participant, event.path("source").path("id").asText(), output);
        assertFalse(message.path("request_id").asText().isEmpty(), output);

        JsonNode ack = received.stream().filter(f -> "ack".equals(f.path("type").asText())
                        && message.get("request_id").equals(f.get("request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no ack for " + message + ":\n" + output));
        assertEquals(JSON.createObjectNode().put("ok", true).put("id", eventId), ack.get("payload"), output);

        JsonNode echo = received.stream().filter(f -> "message".equals(f.path("type").asText())
                        && eventId.equals(f.path("payload").path("event").path("id").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no echo of " + eventId + ":\n" + output));
        assertEquals(event, echo.path("payload").get("event"), output);
        assertTrue(echo.path("payload").path("data").path("echo").asBoolean(), output);
        assertEquals(session.get("sessionId"), echo.path("payload").path("data").get("sessionId"), output);
        assertTrue(lines.stream().anyMatch(l -> l.contains("ack " + message.get("request_id").asText()
                + ": accepted as " + eventId)), output);
    }

    private static JsonNode first(List<JsonNode> frames, String type, String output) {
        return frames.stream().filter(f -> type.equals(f.path("type").asText())).findFirst()
                .orElseGet(() -> fail("no '" + type + "' frame in:\n" + output));
    }
}
