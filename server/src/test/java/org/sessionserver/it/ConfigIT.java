package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.it.support.TestServer;

/** A bad setting stops startup with a one-line reason, in process and from the real jar. */
class ConfigIT {
    /** Variables the server reads: cleared from the subprocess's inherited environment, for a known start. */
    private static final List<String> SERVER_VARIABLES = List.of("PORT", "NODE_ID", "REDIS_URL", "REDIS_PREFIX",
            "AUTH_MODE", "JWT_SECRET", "API_KEYS", "ENGINE_KEY", "MAX_MESSAGE_SIZE", "PING_INTERVAL_MS",
            "PING_TIMEOUT_MS", "CORS_ORIGINS", "RATE_LIMIT_PER_SEC", "RATE_LIMIT_BURST",
            "MAX_CONNECTIONS_PER_PARTICIPANT", "NODE_TTL_MS", "ENGINE", "RECOVERY_WINDOW_MS", "DRAIN_TIMEOUT_MS",
            "LOG_FORMAT", "LOG_LEVEL", "TLS_CERT_FILE", "TLS_KEY_FILE", "JWT_PUBLIC_KEY_FILE", "JWKS_URL", "JWT_ISSUER",
            "JWT_AUDIENCE", "JWT_PARTICIPANT_CLAIM", "JWKS_REFETCH_INTERVAL_MS", "REDIS_CLUSTER", "ENGINE_STREAMS",
            "REDIS_WAIT_REPLICAS", "ENGINE_STREAM_MAXLEN", "CLIENT_EVENTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "PORT, abc, ''",
        "PORT, 70000, ''",
        "AUTH_MODE, jwt, ''",
        "AUTH_MODE, magic, ''",
        "JWT_SECRET, too-short, AUTH_MODE=jwt",
        "API_KEYS, nokey, AUTH_MODE=keys",
        "MAX_MESSAGE_SIZE, 0, ''",
        "RATE_LIMIT_PER_SEC, 0, ''",
        "ENGINE_KEY, Sh0rtK3y, ''",
        "LOG_FORMAT, xml, ''",
        "NODE_ID, 'bad id', ''",
        "TLS_CERT_FILE, /etc/cert.pem, ''",
        "JWT_PUBLIC_KEY_FILE, /nonexistent.pem, AUTH_MODE=jwt",
        "JWKS_URL, http://id.example.com/jwks, AUTH_MODE=jwt",
    })
    void badValueIsAConfigExceptionWithAOneLineReasonNamingTheVariable(String name, String value, String extra) {
        Map<String, String> env = new HashMap<>();
        env.put(name, value);
        if (!extra.isEmpty()) {
            String[] pair = extra.split("=", 2);
            env.put(pair[0], pair[1]);
        }
        String expected = name.equals("AUTH_MODE") && value.equals("jwt") ? "JWT_SECRET"
                : name.equals("TLS_CERT_FILE") ? "TLS_KEY_FILE" // the other of the pair is missing
                : name;
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env));
        assertTrue(e.getMessage().startsWith(expected + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        if (name.equals("JWT_SECRET") || name.equals("ENGINE_KEY") || name.equals("API_KEYS")) {
            assertFalse(e.getMessage().contains(value), "a secret is shown: " + e.getMessage());
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("it.serverJar", "target/session-server.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("no runnable jar at " + jar.toAbsolutePath() + " (built by the package phase)");
        }
        return jar;
    }

    private static ProcessBuilder java(Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar().toString());
        SERVER_VARIABLES.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        return builder;
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void jarWithBadPortExitsNonZeroWithOneStderrLineNamingPort() throws Exception {
        Process process = java(Map.of("PORT", "abc")).start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process, false));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("still running 30 s after a bad PORT");
        }
        assertNotEquals(0, process.exitValue(), "exit code");
        List<String> errors = lines(stderr.get(5, TimeUnit.SECONDS));
        assertEquals(1, errors.size(), "stderr: " + errors);
        assertTrue(errors.get(0).contains("PORT"), errors.get(0));
        assertTrue(errors.get(0).contains("abc"), errors.get(0));
        assertEquals(List.of(), lines(stdout.get(5, TimeUnit.SECONDS)), "stdout");
    }

    @Test
    void jarWithJsonLogsWritesOneJsonObjectPerLine() throws Exception {
        Process process = java(Map.of("PORT", "0", "LOG_FORMAT", "json", "NODE_ID", "it-json-node")).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(stdout unreadable: " + e + ")");
            }
        });
        List<String> seen = new ArrayList<>();
        try {
            String first = lines.poll(30, TimeUnit.SECONDS);
            if (first == null) {
                fail("no stdout line within 30 s; stderr: " + stderr.getNow("(not yet)"));
            }
            seen.add(first);
            // SIGTERM after the first line; the shutdown logs follow, also as JSON. (Process.destroy() would also close
            // our end of stdout; the handle only signals.)
            process.toHandle().destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                fail("did not stop within 20 s of SIGTERM");
            }
            reader.get(5, TimeUnit.SECONDS);
            lines.drainTo(seen);
        } finally {
            process.destroyForcibly();
        }
        for (String line : seen) {
            JsonNode node = TestServer.json(line);
            assertTrue(node.isObject(), "not a JSON object: " + line);
        }
        assertTrue(seen.stream().anyMatch(l -> l.contains("it-json-node")), "node id in the logs: " + seen);
        // SIGTERM came right after the first line (the "listening" log), maybe before start() returned: the node
        // must still stop gracefully.
        assertEquals(List.of(), lines(stderr.get(5, TimeUnit.SECONDS)),
                "stderr (SIGTERM just after startup must not skip the graceful stop)");
        assertTrue(seen.stream().anyMatch(l -> l.contains("stopped")), "no 'stopped' log after SIGTERM: " + seen);
    }

    private static String read(Process process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
