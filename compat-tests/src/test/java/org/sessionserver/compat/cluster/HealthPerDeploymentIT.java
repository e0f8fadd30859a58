package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.bus.testing.RedisClusterSet;
import org.sessionserver.bus.testing.RedisServerProcess;
import org.sessionserver.bus.testing.TestRedis;
import org.sessionserver.bus.testing.Wait;
import org.sessionserver.config.ServerConfig;

/**
 * {@code /health} tells the truth about the bus: a node pointed at one node of a Redis Cluster without
 * {@code REDIS_CLUSTER=true} is degraded, with the MOVED that refuses every event as the reason (it used to say
 * {@code ok}); with it, the same node is ok and says its deployment.
 */
class HealthPerDeploymentIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aClusterNodeWithoutRedisClusterIsDegradedWithTheReasonAndOkWithIt() {
        RedisClusterSet cluster = (RedisClusterSet) TestRedis.shared(TestRedis.Kind.CLUSTER);
        String prefix = "health:";
        RedisServerProcess streamMaster = cluster.masterOf(prefix + "engine:in");
        RedisServerProcess other = cluster.servers().stream().filter(server -> server != streamMaster
                && server.isRunning()).findFirst().orElseThrow();
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "NODE_ID", "h1", "ENGINE", "none",
                "ENGINE_KEY", Cluster.ENGINE_KEY, "LOG_LEVEL", "error", "REDIS_PREFIX", prefix,
                "REDIS_URL", other.url()));
        try (SessionServer wrong = SessionServer.start(ServerConfig.fromEnv(env))) {
            Wait.until(WAIT, () -> Cluster.get(wrong.port(), "/health", null).statusCode() == 503, "degraded");
            JsonNode health = Cluster.json(Cluster.get(wrong.port(), "/health", null));
            assertEquals("degraded", health.path("status").asText());
            assertEquals("standalone", health.path("deployment").asText());
            String reason = health.path("reason").asText();
            assertEquals(true, reason.contains("MOVED") && reason.contains("REDIS_CLUSTER=true"), reason);
        }
        env.putAll(cluster.env());
        try (SessionServer right = SessionServer.start(ServerConfig.fromEnv(env))) {
            HttpResponse<String> response = Cluster.get(right.port(), "/health", null);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode health = Cluster.json(response);
            assertEquals("ok", health.path("status").asText());
            assertEquals("cluster", health.path("deployment").asText());
            assertEquals("up", health.path("redis").asText());
        }
    }
}
