package org.sessionserver.compat.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.redis.EngineStreams;
import org.sessionserver.bus.redis.RedisDeployment;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.TestRedis;
import org.sessionserver.config.ServerConfig;

/**
 * One Redis deployment (a redis-server of its own, or the JVM's shared Sentinel set or Redis Cluster) and some session
 * server nodes in this JVM, sharing it as a cluster: node {@code n1} runs the echo engine over Redis, the others none.
 * Plus what a test needs around them: HTTP to each node, and a plain Lettuce connection to look at Redis directly. On a
 * shared deployment the nodes use a key prefix of their own.
 */
final class Cluster implements AutoCloseable {
    static final String ENGINE_KEY = "engine-key-0123456789";
    static final long NODE_TTL_MS = 1_500;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** The one redis-server of a deployment of the cluster's own (it can be stopped and started); else null. */
    final RedisServerProcess redis;
    final TestRedis backend;
    /** REDIS_PREFIX of the nodes. */
    final String prefix;
    private final boolean owned;
    private final Map<String, String> extraEnv = new HashMap<>();
    final List<SessionServer> nodes = new ArrayList<>();

    private Cluster(TestRedis backend, boolean owned) {
        this.backend = backend;
        this.owned = owned;
        this.redis = backend instanceof StandaloneRedis standalone ? standalone.server() : null;
        this.prefix = owned ? "sio:" : "c" + PREFIXES.incrementAndGet() + ":";
    }

    /** Redis and {@code count} nodes {@code n1..n<count>}, n1 with the echo engine. */
    static Cluster start(int count) {
        return start(count, StandaloneRedis.start(), true);
    }

    /** Like {@link #start(int)}, over a Redis that persists every write (it can be killed and come back whole). */
    static Cluster startPersistent(int count) {
        return start(count, StandaloneRedis.of(RedisServerProcess.startPersistent()), true);
    }

    /** {@code count} nodes over the JVM's shared deployment of that kind (left running at close). */
    static Cluster startShared(int count, TestRedis.Kind kind) {
        return kind == TestRedis.Kind.STANDALONE ? start(count) : start(count, TestRedis.shared(kind), false);
    }

    /** {@code count} nodes over a deployment of the test's own (closed with the cluster), with more settings. */
    static Cluster startOver(int count, TestRedis backend, Map<String, String> extraEnv) {
        return start(count, backend, true, extraEnv);
    }

    private static Cluster start(int count, TestRedis backend, boolean owned) {
        return start(count, backend, owned, Map.of());
    }

    private static Cluster start(int count, TestRedis backend, boolean owned, Map<String, String> extraEnv) {
        Cluster cluster = new Cluster(backend, owned);
        cluster.extraEnv.putAll(extraEnv);
        try {
            for (int i = 1; i <= count; i++) {
                cluster.nodes.add(SessionServer.start(ServerConfig.fromEnv(cluster.env("n" + i,
                        i == 1 ? "echo" : "none", 0))));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** One node alone, without Redis (the embedded default), with the echo engine and {@link #ENGINE_KEY}. */
    static SessionServer startAlone() {
        return SessionServer.start(ServerConfig.fromEnv(Map.of("PORT", "0", "NODE_ID", "solo", "ENGINE", "echo",
                "ENGINE_KEY", ENGINE_KEY, "LOG_LEVEL", "warn")));
    }

    /** Stops node {@code n<number>} and starts it again (on a new port), as a redeploy would. */
    void restart(int number) {
        nodes.get(number - 1).close();
        nodes.set(number - 1, SessionServer.start(ServerConfig.fromEnv(env("n" + number,
                number == 1 ? "echo" : "none", 0))));
    }

    /** The client events besides {@code message} that the nodes forward to the engine. */
    static final String CLIENT_EVENTS = "agent_invoke,tool_result,register";

    /** The environment of a node of this cluster: its deployment's REDIS_URL (and REDIS_CLUSTER), its prefix. */
    Map<String, String> env(String nodeId, String engine, int port) {
        Map<String, String> env = env(backend.url(), nodeId, engine, port);
        env.putAll(backend.env());
        env.put("REDIS_PREFIX", prefix);
        env.putAll(extraEnv);
        return env;
    }

    /** The environment of a cluster node. */
    static Map<String, String> env(String redisUrl, String nodeId, String engine, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", String.valueOf(port));
        env.put("REDIS_URL", redisUrl);
        env.put("NODE_ID", nodeId);
        env.put("ENGINE", engine);
        env.put("ENGINE_KEY", ENGINE_KEY);
        env.put("NODE_TTL_MS", String.valueOf(NODE_TTL_MS));
        env.put("LOG_LEVEL", "warn");
        env.put("CLIENT_EVENTS", CLIENT_EVENTS);
        return env;
    }

    /** An engine of the test's own on the cluster's Redis and prefix ({@code close} it). */
    EngineClient engine(String group, String consumer) {
        RedisDeployment deployment = RedisDeployment.parse(backend.url(),
                Boolean.parseBoolean(backend.env().getOrDefault("REDIS_CLUSTER", "false")));
        return EngineClient.connect(deployment, prefix, EngineStreams.DEFAULT_COUNT, group, consumer);
    }

    /** Node {@code n<number>} (1-based). */
    SessionServer node(int number) {
        return nodes.get(number - 1);
    }

    int port(int number) {
        return node(number).port();
    }

    /** A plain connection to the cluster's Redis, apart from the nodes' own (reconnects after a restart). */
    RedisClusterCommands<String, String> redisCommands() {
        return backend.commands();
    }

    static HttpResponse<String> get(int port, String path, String bearer) {
        return request(port, "GET", path, null, bearer);
    }

    static HttpResponse<String> post(int port, String path, String body, String bearer) {
        return request(port, "POST", path, body, bearer);
    }

    /** An HTTP request to the node at {@code port}; {@code body} (JSON) and {@code bearer} may be null. */
    static HttpResponse<String> request(int port, String method, String path, String body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(bearer == null ? request : request.header("Authorization", "Bearer " + bearer));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** {@code GET /connections} of the node at {@code port}: sessionId -> its line. */
    static Map<String, JsonNode> connections(int port) {
        HttpResponse<String> response = get(port, "/connections", ENGINE_KEY);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /connections: " + response.statusCode() + " " + response.body());
        }
        Map<String, JsonNode> sessions = new HashMap<>();
        json(response).path("connections").forEach(line -> sessions.put(line.path("sessionId").asText(), line));
        return sessions;
    }

    /** Like {@link #connections}, or null when the node cannot answer right now. */
    static Map<String, JsonNode> connectionsOrNull(int port) {
        try {
            return connections(port);
        } catch (AssertionError | RuntimeException e) {
            return null;
        }
    }

    /** A Message to the participant's every connection, tagged in {@code data.tag}. */
    static String messageTo(String participantId, String tag) {
        return "{\"event\":{\"id\":\"" + tag + "\",\"type\":\"engine.note\"},\"to\":[{\"participantId\":\""
                + participantId + "\"}],\"data\":{\"tag\":\"" + tag + "\"}}";
    }

    /** A Message to one session (and so to the participant's proxies), tagged in {@code data.tag}. */
    static String messageToSession(String participantId, String sessionId, String tag) {
        return "{\"event\":{\"id\":\"" + tag + "\",\"type\":\"engine.note\"},\"to\":[{\"participantId\":\""
                + participantId + "\",\"sessionId\":\"" + sessionId + "\"}],\"data\":{\"tag\":\"" + tag + "\"}}";
    }

    /** An Event from {@code source}, as a client sends it. */
    static org.json.JSONObject event(String id, String source) {
        return jsonObject("{\"id\":\"" + id + "\",\"type\":\"user.action\",\"timestamp\":\"2025-10-28T22:45:00.000Z\","
                + "\"source\":{\"id\":\"" + source + "\"},\"data\":{\"n\":\"" + id + "\"}}");
    }

    /** org.json's checked exception, turned into a test failure. */
    static org.json.JSONObject jsonObject(String json) {
        try {
            return new org.json.JSONObject(json);
        } catch (org.json.JSONException e) {
            throw new AssertionError(e);
        }
    }

    /** Stops every node at once (each takes a few seconds), then Redis. */
    @Override
    public void close() {
        List<Thread> closing = nodes.stream().map(node -> new Thread(node::close, "close-" + node.nodeId())).toList();
        closing.forEach(Thread::start);
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        nodes.clear();
        if (owned) {
            backend.close();
        }
    }
}
