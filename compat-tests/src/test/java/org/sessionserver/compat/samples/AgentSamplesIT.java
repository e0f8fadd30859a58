package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.samples.AgentEngineSample;

/**
 * The agent gateway samples end to end, as their README runs them: a server over Redis with {@code CLIENT_EVENTS=*},
 * the Java agent engine ({@code samples.jar agent-engine}, here in-process) and
 * <ul>
 *   <li>{@code samples/node-raw/agent.mjs}: a raw agent that registers, invokes a run that streams, approves its
 *       tool and gets {@code done};</li>
 *   <li>{@code samples/browser/agent.html} in headless Chromium: a page that invokes a run, renders its streamed
 *       words as they come, asks the user to approve the tool and shows the end;</li>
 *   <li>{@code curl} for a synchronous chat ({@code POST /event?wait}) and its streamed form ({@code curl -N} with
 *       {@code Accept: text/event-stream});</li>
 *   <li>the same raw agent, and the controller-style agent of {@link GatewaySamplesIT}, against the Python engine
 *       ({@code samples/python-engine/engine.py}, Debian's python3-redis), on a server of its own prefix.</li>
 * </ul>
 */
class AgentSamplesIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static RedisServerProcess redis;
    private static SessionServer server;
    private static AgentEngineSample engine;
    private static Path samples;

    @BeforeAll
    static void setUp() {
        samples = SampleKit.samplesDir();
        SampleKit.npmInstallIfMissing(samples.resolve("node-raw"), "ws");
        redis = RedisServerProcess.start();
        server = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", "agents",
                "REDIS_URL", redis.url(), "ENGINE", "none", "CLIENT_EVENTS", "*", "LOG_LEVEL", "warn")));
        engine = AgentEngineSample.start(EngineClient.connect(redis.url(), "sio:", "agent-engine", "it"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        SampleKit.closeAll(engine, server, redis);
    }

    @Test
    void aRawAgentRegistersRunsStreamsAndIsAskedForApproval() {
        ClientScript.Result run = ClientScript.run(samples.resolve("node-raw"), RUN_TIMEOUT, "node", "agent.mjs",
                "ws://127.0.0.1:" + server.port() + "/ws", "agent-7");
        run.assertPassed("node agent.mjs");
        List<JsonNode> received = SampleKit.jsonLines(run.output(), "<");
        List<String> types = received.stream().map(frame -> frame.path("type").asText()).toList();
        // each client frame's ack comes when the bus took it, possibly after the engine's first answer to it
        assertEquals(List.of("hello_ack", "register_success", "run_started", "delta", "delta", "delta", "delta",
                "approval_required", "done"), types.stream().filter(type -> !type.equals("ack")).toList(),
                run.output());
        assertEquals(3, types.stream().filter(type -> type.equals("ack")).count(), run.output());
        JsonNode registered = received.get(types.indexOf("register_success"));
        assertEquals("reg-1", registered.path("request_id").asText(), registered.toString());
        assertEquals("agent-7", registered.path("payload").path("agentId").asText());
        assertEquals("inv-1", received.get(types.indexOf("run_started")).path("request_id").asText());
        assertTrue(run.output().contains("done: streamed \"" + AgentEngineSample.ANSWER + "\", final \""
                + AgentEngineSample.ANSWER + "\""), run.output());
    }

    @Test
    void aBrowserPageRendersTheStreamedRunAndAsksForApproval() {
        Path browser = samples.resolve("browser");
        SampleKit.npmInstallIfMissing(browser, "socket.io-client");
        SampleKit.npmInstallIfMissing(browser, "playwright-core");
        ClientScript.Result run = ClientScript.run(browser, RUN_TIMEOUT, "node", "e2e/agent.mjs", "--server",
                SampleKit.url(server), "--out", SampleKit.screenshotsDir().toString(), "--chromium",
                SampleKit.chromium(), "--token", "browser-user");
        run.assertPassed("node e2e/agent.mjs");
        JsonNode report = SampleKit.jsonLines(run.output(), "REPORT").get(0);
        List<String> words = Arrays.asList(AgentEngineSample.ANSWER.split(" "));
        List<String> streamed = new java.util.ArrayList<>();
        report.path("streamed").forEach(word -> streamed.add(word.asText()));
        assertEquals(words, streamed, "every delta rendered, in order, before the approval: " + run.output());
        assertEquals(AgentEngineSample.ANSWER, report.path("answer").asText(), run.output());
        assertEquals("approved: " + AgentEngineSample.ANSWER, report.path("done").asText(), run.output());
        assertTrue(report.path("runId").asText().startsWith("run-"), run.output());
    }

    @Test
    void thePythonEngineAnswersTheSameAgent() {
        String python = System.getProperty("compat.python", "/usr/bin/python3");
        try (SessionServer pyServer = SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID",
                "py-agents", "REDIS_URL", redis.url(), "REDIS_PREFIX", "py:", "ENGINE", "none", "CLIENT_EVENTS", "*",
                "RAW_WS_PATHS", "/ws,/api/v1/clusters/agent/ws", "LOG_LEVEL", "warn")));
             SampleProcess pyEngine = SampleProcess.start(samples.resolve("python-engine"),
                     Map.of("REDIS_URL", redis.url(), "REDIS_PREFIX", "py:"), python, "-u", "engine.py")) {
            pyEngine.awaitLine(0, line -> line.startsWith("python engine reading py:engine:in"), RUN_TIMEOUT,
                    "python engine started");
            ClientScript.Result run = ClientScript.run(samples.resolve("node-raw"), RUN_TIMEOUT, "node", "agent.mjs",
                    "ws://127.0.0.1:" + pyServer.port() + "/ws", "py-agent");
            run.assertPassed("node agent.mjs against the python engine\n" + pyEngine.output());
            List<JsonNode> received = SampleKit.jsonLines(run.output(), "<");
            JsonNode registered = received.stream().filter(f -> f.path("type").asText().equals("register_success"))
                    .findFirst().orElseThrow();
            assertEquals("reg-1", registered.path("request_id").asText(), registered.toString());
            assertTrue(run.output().contains("run py-run-1 done: streamed \"" + AgentEngineSample.ANSWER + "\""),
                    run.output());
            // the controller-style agent of GatewaySamplesIT: register_success, then heartbeat_ack
            try (SampleProcess agent = SampleProcess.start(samples.resolve("controller-agent"),
                    Map.of("HEARTBEATS", "1", "HEARTBEAT_INTERVAL_S", "0.2"), python, "-u", "agent.py",
                    "ws://127.0.0.1:" + pyServer.port())) {
                agent.assertExitsZero(RUN_TIMEOUT);
                assertTrue(agent.output().contains("registration successful"), agent.output());
            }
        }
    }

    @Test
    void curlWaitsForTheAnswerOrStreamsIt() {
        String event = "{\"id\":\"chat-1\",\"type\":\"chat.ask\",\"source\":{\"id\":\"chatter\"},"
                + "\"timestamp\":\"2026-12-03T10:00:00Z\",\"data\":{\"text\":\"what is the answer?\"}}";
        String url = "http://127.0.0.1:" + server.port() + "/event?wait=10000";
        ClientScript.Result waited = ClientScript.run(samples, RUN_TIMEOUT, "curl", "-s", "-H",
                "Authorization: Bearer chatter", "-H", "Content-Type: application/json", "-d", event, url);
        waited.assertPassed("curl POST /event?wait");
        JsonNode answer = SampleKit.parse(waited.output().strip());
        assertEquals("chat-1", answer.path("id").asText(), waited.output());
        assertEquals("the", answer.path("message").path("data").path("delta").asText(), waited.output());

        ClientScript.Result streamed = ClientScript.run(samples, RUN_TIMEOUT, "curl", "-sN", "-H",
                "Authorization: Bearer chatter", "-H", "Accept: text/event-stream", "-d",
                event.replace("chat-1", "chat-2"), url);
        streamed.assertPassed("curl -N POST /event?wait");
        List<String> deltas = Arrays.stream(streamed.output().split("\n")).filter(line -> line.startsWith("data: "))
                .map(line -> SampleKit.parse(line.substring(6)).path("data").path("delta").asText()).toList();
        assertEquals(Arrays.asList(AgentEngineSample.ANSWER.split(" ")), deltas, streamed.output());
        assertTrue(streamed.output().contains("\"final\":true"), streamed.output());
    }
}
