package org.sessionserver.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.sessionserver.SessionServer;
import org.sessionserver.config.ServerConfig;

/**
 * A real session server started in-process on an ephemeral port, with an HTTP/1.1 client for its routes. Start one
 * per test class ({@code @BeforeAll}) and close it in {@code @AfterAll}.
 */
public final class TestServer implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(5);
    public static final ObjectMapper JSON = new ObjectMapper();

    private final SessionServer server;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT)
            .build();

    private TestServer(SessionServer server, Map<String, String> env) {
        this.server = server;
        this.env = env;
    }

    /** Starts a server with {@code PORT=0} and the given environment, as name/value pairs. */
    public static TestServer start(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            env.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return new TestServer(SessionServer.start(ServerConfig.fromEnv(env)), Map.copyOf(env));
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public String nodeId() {
        return server.nodeId();
    }

    public String env(String name) {
        return env.get(name);
    }

    // ---- HTTP ----

    public HttpResponse<String> get(String path, String bearer) {
        return send(request(path, bearer).GET().build());
    }

    public HttpResponse<String> post(String path, String body, String bearer) {
        return send(request(path, bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
    }

    /** Any method; {@code body} null for none. */
    public HttpResponse<String> request(String method, String path, String body, String bearer) {
        return send(request(path, bearer).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private HttpRequest.Builder request(String path, String bearer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url() + path)).timeout(WAIT);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpClient httpClient() {
        return http;
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    // ---- metrics ----

    public String metrics() {
        HttpResponse<String> response = get("/metrics", null);
        if (response.statusCode() != 200) {
            fail("GET /metrics: " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /**
     * The value of one Prometheus sample, e.g. {@code metric("sessions_events_total", "result=\"accepted\"")}; 0
     * when absent. {@code label} may be null for a sample without labels.
     */
    public double metric(String name, String label) {
        return metric(metrics(), name, label);
    }

    public static double metric(String text, String name, String label) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!(rest.startsWith(" ") || rest.startsWith("{"))) {
                continue;
            }
            if (label != null && !(rest.startsWith("{") && rest.substring(0, rest.indexOf('}') + 1).contains(label))) {
                continue;
            }
            String[] parts = line.split(" ");
            return Double.parseDouble(parts[parts.length - 1]);
        }
        return 0;
    }

    @Override
    public void close() {
        server.close();
    }
}
