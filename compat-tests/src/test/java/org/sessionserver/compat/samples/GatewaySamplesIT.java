package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.samples.AgentEngineSample;

/**
 * The clients of the gateways this server replaces, run unchanged against it (README "Coming from another gateway"):
 * one server over Redis set up as a user coming from those gateways would ({@code AUTH_MODE=keys} with
 * {@code API_KEYS}, {@code RAW_WS_PATHS=/ws,/api/v1/clusters/agent/ws}, pings every 30 s with 60 s to answer,
 * {@code CLIENT_EVENTS} listing the clients' frame types), the Java agent engine in-process, and
 * <ul>
 *   <li>{@code samples/ingress-client/client.py}: hello with api_key, session_id, client_meta and epoch-ms ts;
 *       agent_invoke; a streamed run with its approval;</li>
 *   <li>{@code samples/controller-agent/agent.py}: on {@code /api/v1/clusters/agent/ws} with its cluster token,
 *       register, status, ping and heartbeats with {@code timestamp};</li>
 *   <li>{@code samples/tunnel-agent/agent.py}: its tunnel id as token; requests forwarded to it through
 *       {@code POST /participants/{id}/request} reach a local HTTP service and come back.</li>
 * </ul>
 */
class GatewaySamplesIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final String ENGINE_KEY = "gateway-samples-engine-key";
    private static final String TUNNEL_ID = "tun_8f3a2c";
    private static RedisServerProcess redis;
    private static SessionServer server;
    private static AgentEngineSample engine;
    private static Path samples;
    private static String python;

    @BeforeAll
    static void setUp() {
        samples = SampleKit.samplesDir();
        python = System.getProperty("compat.python", "/usr/bin/python3");
        redis = RedisServerProcess.start();
        server = SessionServer.start(ServerConfig.fromEnv(Map.ofEntries(Map.entry("PORT", "0"),
                Map.entry("NODE_ID", "gateways"), Map.entry("REDIS_URL", redis.url()), Map.entry("ENGINE", "none"),
                Map.entry("AUTH_MODE", "keys"),
                Map.entry("API_KEYS", "sk-ingress-demo=ingress-user,ct-demo-cluster=cluster-42,"
                        + TUNNEL_ID + "=" + TUNNEL_ID),
                Map.entry("RAW_WS_PATHS", "/ws,/api/v1/clusters/agent/ws"),
                Map.entry("PING_INTERVAL_MS", "30000"), Map.entry("PING_TIMEOUT_MS", "60000"),
                Map.entry("CLIENT_EVENTS", "agent_invoke,tool_result,approval_decision,cancel_run,"
                        + "register,heartbeat,status"),
                Map.entry("ENGINE_KEY", ENGINE_KEY), Map.entry("LOG_LEVEL", "warn"))));
        engine = AgentEngineSample.start(EngineClient.connect(redis.url(), "sio:", "agent-engine", "it"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        SampleKit.closeAll(engine, server, redis);
    }

    private static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(frame -> frame.path("type").asText()).toList();
    }

    @Test
    void anIngressClientInvokesAnAgentAndFollowsTheRun() {
        try (SampleProcess client = SampleProcess.start(samples.resolve("ingress-client"), Map.of(), python, "-u",
                "client.py", "ws://127.0.0.1:" + server.port() + "/ws")) {
            client.assertExitsZero(RUN_TIMEOUT);
            List<JsonNode> received = SampleKit.jsonLines(client.output(), "<");
            List<String> types = types(received);
            assertEquals(List.of("hello_ack", "run_started", "delta", "delta", "delta", "delta", "approval_required",
                    "done"), types.stream().filter(type -> !type.equals("ack")).toList(), client.output());
            JsonNode ack = received.get(0);
            assertEquals("sess_001", ack.path("session_id").asText(), ack.toString());
            assertEquals("ingress-user", ack.path("payload").path("participantId").asText(), ack.toString());
            received.stream().filter(frame -> frame.has("ts")).forEach(frame ->
                    assertTrue(frame.get("ts").isIntegralNumber(), "epoch ms, as the client's hello: " + frame));
            assertTrue(client.output().contains("done: streamed \"" + AgentEngineSample.ANSWER + "\""),
                    client.output());
        }
    }

    @Test
    void aControllerAgentRegistersAndIsHeartbeatAcknowledgedOnItsOwnPath() {
        for (String auth : new String[] {"query", "header"}) {
            try (SampleProcess agent = SampleProcess.start(samples.resolve("controller-agent"),
                    Map.of("AUTH", auth, "HEARTBEATS", "2", "HEARTBEAT_INTERVAL_S", "0.2"), python, "-u", "agent.py",
                    "ws://127.0.0.1:" + server.port())) {
                agent.assertExitsZero(RUN_TIMEOUT);
                List<JsonNode> sent = SampleKit.jsonLines(agent.output(), ">");
                List<JsonNode> received = SampleKit.jsonLines(agent.output(), "<");
                JsonNode register = sent.get(0);
                JsonNode registered = received.stream().filter(f -> f.path("type").asText().equals("register_success"))
                        .findFirst().orElseThrow(() -> new AssertionError(agent.output()));
                assertEquals(register.get("request_id"), registered.get("request_id"), agent.output());
                assertEquals("cluster-42", received.get(0).path("payload").path("participantId").asText(),
                        agent.output());
                assertTrue(types(received).contains("pong"), agent.output());
                assertEquals(3, types(received).stream().filter(type -> type.equals("heartbeat_ack")).count(),
                        auth + ": " + agent.output());
            }
        }
    }

    @Test
    void aTunnelAgentServesForwardedRequestsAndSaysWhatItIs() throws Exception {
        HttpServer local = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        local.createContext("/", exchange -> {
            byte[] body = ("local service: " + exchange.getRequestMethod() + " " + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        local.start();
        try (SampleProcess agent = SampleProcess.start(samples.resolve("tunnel-agent"),
                Map.of("TUNNEL_ID", TUNNEL_ID, "LOCAL_URL", "http://127.0.0.1:" + local.getAddress().getPort()),
                python, "-u", "agent.py", "ws://127.0.0.1:" + server.port() + "/ws")) {
            agent.awaitLine(0, line -> line.startsWith("tunnel " + TUNNEL_ID + " up"), RUN_TIMEOUT, "tunnel up");
            JsonNode asked = engineRoute("POST", "/participants/" + TUNNEL_ID + "/request",
                    "{\"event\":\"http_request\",\"data\":{\"method\":\"GET\",\"path\":\"/orders/7?x=1\"}}", 200);
            assertEquals(200, asked.path("data").path("status").asInt(), asked.toString());
            assertEquals("local service: GET /orders/7?x=1", asked.path("data").path("body").asText(),
                    asked.toString());
            // what it said of itself, read from the directory in Redis
            JsonNode participant = engineRoute("GET", "/participants/" + TUNNEL_ID, null, 200);
            JsonNode connection = participant.path("connections").path(0);
            assertEquals("tunnel-agent", connection.path("clientMeta").path("agent").asText(), participant.toString());
            assertEquals(asked.path("sessionId").asText(), connection.path("sessionId").asText());
        } finally {
            local.stop(0);
        }
    }

    @Test
    void aHealthProbeOfTheRootIsAnswered() throws Exception {
        HttpResponse<String> root = http(HttpRequest.newBuilder(URI.create(base() + "/")).GET().build());
        assertEquals(200, root.statusCode(), root.body());
        assertEquals("ok", SampleKit.parse(root.body()).path("status").asText(), root.body());
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static JsonNode engineRoute(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = http(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + ENGINE_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return SampleKit.parse(response.body());
    }

    private static HttpResponse<String> http(HttpRequest request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
