package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.Wait;
import org.sessionserver.compat.support.ClientScript;

/**
 * The Socket.IO client samples, as a newcomer runs them, against the real session server in-process (embedded
 * default: echo engine, {@code AUTH_MODE=token}): {@code samples/node/client.mjs} (socket.io-client 4.8.4),
 * {@code samples/python/client.py} (Debian's python3-socketio) and {@code java -jar samples/target/samples.jar client}
 * (socket.io-client-java). Each prints the session, sends an event, prints its ack and its echo and exits 0; a refused
 * token exits 1. Then the five-minute story: the Python sample stays connected as one device of carol while the Node
 * sample (in proxy mode) and the Java sample, two more devices of carol, send events: Python prints both echoes.
 */
class ClientSamplesIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final String NODE_ID = "client-samples";

    private static Path samples;
    private static String python;
    private static SessionServer server;

    @BeforeAll
    static void setUp() {
        samples = SampleKit.samplesDir();
        python = System.getProperty("compat.python", "/usr/bin/python3");
        assertTrue(Files.isExecutable(Path.of(python)), python + " is not there");
        SampleKit.npmInstallIfMissing(samples.resolve("node"), "socket.io-client");
        server = SampleKit.startServer(NODE_ID);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nodeSamplePrintsSessionAckAndEcho() {
        ClientScript.Result run = ClientScript.run(samples.resolve("node"), RUN_TIMEOUT, "node", "client.mjs",
                SampleKit.url(server), "node-alice", "--once");
        run.assertPassed("node client.mjs --once");
        assertSessionAckEcho(run.output(), "node-alice", false, "hello from Node");
        assertClosedOnExit("node client.mjs --once");
    }

    @Test
    void pythonSamplePrintsSessionAckAndEcho() {
        ClientScript.Result run = ClientScript.run(samples.resolve("python"), RUN_TIMEOUT, python, "-u", "client.py",
                SampleKit.url(server), "python-alice", "--once");
        run.assertPassed("python3 client.py --once");
        assertSessionAckEcho(run.output(), "python-alice", false, "hello from Python");
        assertClosedOnExit("python3 client.py --once");
    }

    @Test
    void javaSamplePrintsSessionAckAndEcho() {
        ClientScript.Result run = runJava("java-alice");
        run.assertPassed("java -jar samples.jar client");
        assertSessionAckEcho(run.output(), "java-alice", false, "hello from Java");
        assertClosedOnExit("java -jar samples.jar client");
        // On long-polling the close travels in an HTTP request of its own, which an exit must not cut off.
        ClientScript.Result polling = runJava("java-polling", "--polling");
        polling.assertPassed("java -jar samples.jar client --polling");
        assertSessionAckEcho(polling.output(), "java-polling", false, "hello from Java");
        assertClosedOnExit("java -jar samples.jar client --polling");
    }

    @Test
    void refusedTokenExitsOneWithTheReason() {
        ClientScript.Result node = ClientScript.run(samples.resolve("node"), RUN_TIMEOUT, "node", "client.mjs",
                SampleKit.url(server), "not a valid id", "--once");
        ClientScript.Result py = ClientScript.run(samples.resolve("python"), RUN_TIMEOUT, python, "-u", "client.py",
                SampleKit.url(server), "not a valid id", "--once");
        for (ClientScript.Result run : List.of(node, py)) {
            assertFalse(run.timedOut(), run.output());
            assertEquals(1, run.exitCode(), run.output());
            List<JsonNode> errors = SampleKit.jsonLines(run.output(), "connect_error");
            assertFalse(errors.isEmpty(), run.output());
            assertEquals(SampleKit.parse("{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}"),
                    errors.get(0), run.output());
            assertTrue(SampleKit.jsonLines(run.output(), "session").isEmpty(), run.output());
        }
    }

    @Test
    void threeDevicesOfOneParticipantSeeEachOthersEvents() {
        try (SampleProcess phone = SampleProcess.start(samples.resolve("python"), Map.of(), python, "-u",
                "client.py", SampleKit.url(server), "carol")) {
            int own = phone.awaitLine(0, l -> l.startsWith("message ") && l.contains("hello from Python"), STEP,
                    "with the echo of its own event");

            ClientScript.Result node = ClientScript.run(samples.resolve("node"), RUN_TIMEOUT, "node", "client.mjs",
                    SampleKit.url(server), "carol", "--once", "--proxy");
            node.assertPassed("node client.mjs carol --once --proxy");
            String nodeEvent = assertSessionAckEcho(node.output(), "carol", true, "hello from Node");
            int fromNode = phone.awaitLine(own, l -> l.startsWith("message ") && l.contains(nodeEvent), STEP,
                    "with the Node device's event " + nodeEvent);

            ClientScript.Result java = runJava("carol");
            java.assertPassed("java -jar samples.jar client carol");
            String javaEvent = assertSessionAckEcho(java.output(), "carol", false, "hello from Java");
            phone.awaitLine(fromNode, l -> l.startsWith("message ") && l.contains(javaEvent), STEP,
                    "with the Java device's event " + javaEvent);

            JsonNode session = SampleKit.jsonLines(phone.output(), "session").get(0);
            for (JsonNode message : SampleKit.jsonLines(phone.output(), "message")) {
                assertEquals("carol", message.path("event").path("source").path("id").asText(), phone.output());
                assertEquals(SampleKit.parse("[{\"participantId\":\"carol\"}]"), message.path("to"));
            }
            assertFalse(session.path("proxy").asBoolean(), phone.output());
            assertEquals(3, SampleKit.jsonLines(phone.output(), "message").size(), phone.output());
        }
    }

    /**
     * A sample that exits closes its session on the way out: the server drops it at once, not after a ping timeout
     * (~45 s for a polling client that just vanished).
     */
    private static void assertClosedOnExit(String sample) {
        Wait.until(Duration.ofSeconds(2), () -> SampleKit.parse(get("/health")).path("connections").asInt() == 0,
                sample + " leaves no session behind");
    }

    private static String get(String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(SampleKit.url(server) + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ClientScript.Result runJava(String token, String... flags) {
        Path jar = samples.resolve("target").resolve("samples.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: mvn -DskipTests package builds it");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", jar.toString(), "client",
                SampleKit.url(server), token));
        command.addAll(List.of(flags));
        return ClientScript.run(samples.getParent(), RUN_TIMEOUT, command.toArray(String[]::new));
    }

    /**
     * One {@code session} line for {@code participant}, an ok {@code ack} and the {@code message} that echoes the
     * acked event (sent by this session, addressed to the participant, carrying {@code text}); returns the event id.
     */
    private static String assertSessionAckEcho(String output, String participant, boolean proxy, String text) {
        List<JsonNode> sessions = SampleKit.jsonLines(output, "session");
        assertEquals(1, sessions.size(), output);
        JsonNode session = sessions.get(0);
        assertEquals(participant, session.path("participantId").asText(), output);
        assertEquals(proxy, session.path("proxy").asBoolean(), output);
        assertEquals(NODE_ID, session.path("nodeId").asText(), output);
        assertFalse(session.path("sessionId").asText().isEmpty(), output);
        assertFalse(session.path("channelId").asText().isEmpty(), output);

        List<JsonNode> acks = SampleKit.jsonLines(output, "ack");
        assertEquals(1, acks.size(), output);
        assertTrue(acks.get(0).path("ok").asBoolean(), output);
        String id = acks.get(0).path("id").asText();

        List<JsonNode> echoes = SampleKit.jsonLines(output, "message").stream()
                .filter(m -> id.equals(m.path("event").path("id").asText())).toList();
        assertEquals(1, echoes.size(), "one echo of " + id + " expected:\n" + output);
        JsonNode echo = echoes.get(0);
        JsonNode event = echo.path("event");
        assertEquals("user.action", event.path("type").asText(), output);
        assertEquals(participant, event.path("source").path("id").asText(), output);
        assertEquals(text, event.path("data").path("text").asText(), output);
        assertFalse(event.path("timestamp").asText().isEmpty(), output);
        assertEquals(SampleKit.parse("[{\"participantId\":\"" + participant + "\"}]"), echo.path("to"), output);
        assertTrue(echo.path("data").path("echo").asBoolean(), output);
        assertEquals(session.path("sessionId").asText(), echo.path("data").path("sessionId").asText(), output);
        for (JsonNode sent : SampleKit.jsonLines(output, "send")) {
            if (id.equals(sent.path("id").asText())) {
                assertEquals(sent, event, "the echo carries the event as sent: " + output); // Node and Python
            }
        }
        return id;
    }
}
