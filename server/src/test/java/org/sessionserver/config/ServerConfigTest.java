package org.sessionserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sessionserver.auth.ApiKeyAuthenticator;
import org.sessionserver.auth.jwt.JwtAuthenticator;
import org.sessionserver.auth.TokenAuthenticator;

class ServerConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-s3cr3t";

    private static ServerConfig config(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ServerConfig.fromEnv(env);
    }

    /** Asserts the config is refused with one line naming {@code variable}, and returns that line. */
    private static String refused(String variable, String... pairs) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(pairs));
        String message = e.getMessage();
        assertTrue(message.startsWith(variable + ": "), message);
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        return message;
    }

    @Test
    void emptyEnvironmentGivesEveryDefault() {
        ServerConfig c = config();
        assertEquals(ServerConfig.DEFAULT_PORT, c.port());
        assertTrue(c.nodeId().matches("node-[a-z0-9]{8}"), c.nodeId());
        assertEquals(List.of("*"), c.corsOrigins());
        assertTrue(c.anyOrigin());
        assertEquals(ServerConfig.EngineMode.ECHO, c.engine());
        assertEquals(Optional.empty(), c.engineKey());
        assertEquals(RedisConfig.embedded(), c.redis());
        assertTrue(c.redis().isEmbedded());
        assertEquals(AuthConfig.tokenMode(), c.auth());
        assertEquals(LimitsConfig.defaults(), c.limits());
        assertEquals(TimingConfig.defaults(), c.timing());
        assertEquals(LogConfig.defaults(), c.log());
        assertEquals(List.of("/ws"), c.rawWsPaths());
        assertEquals(65_536, c.limits().maxMessageSize());
        assertEquals(50.0, c.limits().rateLimitPerSec());
        assertEquals(100, c.limits().rateLimitBurst());
        assertEquals(100, c.limits().maxConnectionsPerParticipant());
        assertEquals(25_000, c.timing().pingIntervalMs());
        assertEquals(20_000, c.timing().pingTimeoutMs());
        assertEquals(15_000, c.timing().nodeTtlMs());
        assertEquals(120_000, c.timing().recoveryWindowMs());
        assertEquals(10_000, c.timing().drainTimeoutMs());
        assertEquals("sio:", c.redis().prefix());
        assertFalse(c.admin().enabled());
    }

    @Test
    void adminUiNeedsAUsernameAndABcryptHashAndNeverShowsTheHash() {
        String hash = "$2b$10$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
        AdminConfig admin = config("ADMIN_UI", "true", "ADMIN_USERNAME", "ops", "ADMIN_PASSWORD_HASH", hash,
                "ADMIN_READONLY", "TRUE").admin();
        assertEquals(new AdminConfig(true, Optional.of("ops"), Optional.of(hash), true, false), admin);
        assertFalse(admin.toString().contains(hash), admin.toString());
        assertEquals(new AdminConfig(false, Optional.empty(), Optional.empty(), false, true),
                config("ADMIN_USERNAME", "ops", "ADMIN_EVENTS", "true").admin(), "off by default, names ignored");
        refused("ADMIN_UI", "ADMIN_UI", "yes");
        refused("ADMIN_USERNAME", "ADMIN_UI", "true", "ADMIN_PASSWORD_HASH", hash);
        refused("ADMIN_PASSWORD_HASH", "ADMIN_UI", "true", "ADMIN_USERNAME", "ops");
        for (String bad : List.of("secret", "$2b$10$tooShort", "$2x$10$" + hash.substring(7), "$2b$3$" + hash.substring(7),
                "$2b$15$" + hash.substring(7), hash + "x")) { // cost 15: seconds of CPU a guess
            String message = refused("ADMIN_PASSWORD_HASH", "ADMIN_UI", "true", "ADMIN_USERNAME", "ops",
                    "ADMIN_PASSWORD_HASH", bad);
            assertFalse(message.contains(bad), message);
        }
        refused("ADMIN_READONLY", "ADMIN_READONLY", "1");
    }

    @Test
    void randomNodeIdsDiffer() {
        assertNotEquals(config().nodeId(), config().nodeId());
    }

    @Test
    void blankCountsAsUnsetAndUnknownVariablesAreIgnored() {
        ServerConfig c = config("PORT", "  ", "REDIS_URL", "", "SOMETHING_ELSE", "x");
        assertEquals(3000, c.port());
        assertTrue(c.redis().isEmbedded());
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "8080,8080", "' 3001 ',3001", "65535,65535"})
    void portAcceptsZeroToMax(String value, int expected) {
        assertEquals(expected, config("PORT", value).port());
    }

    @Test
    void portMessageNamesTheValueAndTheRange() {
        assertEquals("PORT: \"abc\" is not a whole number (expected a port number 0-65535, 0 = any free port)",
                refused("PORT", "PORT", "abc"));
        assertTrue(refused("PORT", "PORT", "-1").contains("\"-1\" is out of range"));
        assertTrue(refused("PORT", "PORT", "65536").contains("out of range"));
        assertTrue(refused("PORT", "PORT", "99999999999999999999999").contains("out of range"));
        refused("PORT", "PORT", "3000.5");
        refused("PORT", "PORT", "0x10");
    }

    @Test
    void badValuesAreEchoedOnOneLineAndCutShort() {
        String message = refused("PORT", "PORT", "12\n34");
        assertTrue(message.contains("\"12\\n34\""), message);
        String longValue = "x".repeat(500);
        assertTrue(refused("NODE_ID", "NODE_ID", longValue).length() < 250);
    }

    @Test
    void nodeId() {
        assertEquals("eu-1.node:a_b", config("NODE_ID", "eu-1.node:a_b").nodeId());
        assertEquals("n".repeat(64), config("NODE_ID", "n".repeat(64)).nodeId());
        refused("NODE_ID", "NODE_ID", "n".repeat(65));
        refused("NODE_ID", "NODE_ID", "node 1");
        refused("NODE_ID", "NODE_ID", "node/1");
        refused("NODE_ID", "NODE_ID", "nöde");
    }

    @Test
    void redisUrlSwitchesTheEngineDefaultAndIsCheckedForSyntaxOnly() {
        ServerConfig c = config("REDIS_URL", "redis://localhost:6379/0");
        assertEquals(Optional.of("redis://localhost:6379/0"), c.redis().url());
        assertFalse(c.redis().isEmbedded());
        assertEquals(ServerConfig.EngineMode.NONE, c.engine());
        assertEquals(ServerConfig.EngineMode.ECHO, config("REDIS_URL", "redis://r", "ENGINE", "echo").engine());
        for (String ok : List.of("redis://r", "rediss://user:pw@cache.example.com:6380", "redis://my_redis:6379",
                "REDIS://[::1]:6379", "redis://:pw@10.0.0.1")) {
            assertEquals(Optional.of(ok), config("REDIS_URL", ok).redis().url(), ok);
        }
        refused("REDIS_URL", "REDIS_URL", "localhost:6379");
        refused("REDIS_URL", "REDIS_URL", "http://localhost:6379");
        refused("REDIS_URL", "REDIS_URL", "redis://");
        refused("REDIS_URL", "REDIS_URL", "redis://host:70000");
        refused("REDIS_URL", "REDIS_URL", "redis://host:port");
        refused("REDIS_URL", "REDIS_URL", "redis://ho st");
    }

    @Test
    void redisDeploymentsSentinelAndCluster() {
        String sentinel = "redis-sentinel://s1:26379,s2:26379,s3:26379#mymaster";
        assertEquals(Optional.of(sentinel), config("REDIS_URL", sentinel).redis().url());
        assertFalse(config("REDIS_URL", sentinel).redis().cluster());
        String seeds = "redis://:pw@c1:7000,c2:7001,redis://c3:7002";
        RedisConfig cluster = config("REDIS_URL", seeds, "REDIS_CLUSTER", "true").redis();
        assertTrue(cluster.cluster());
        assertEquals(1, cluster.engineStreams());
        assertEquals(0, cluster.waitReplicas());
        assertTrue(refused("REDIS_URL", "REDIS_URL", sentinel, "REDIS_CLUSTER", "true").contains("Sentinel"));
        assertTrue(refused("REDIS_URL", "REDIS_URL", seeds).contains("REDIS_CLUSTER=true"));
        assertTrue(refused("REDIS_URL", "REDIS_URL", "redis-sentinel://s1:26379").contains("#<master name>"));
        refused("REDIS_URL", "REDIS_URL", "redis://c1:7000,c2:port", "REDIS_CLUSTER", "true");
        assertTrue(refused("REDIS_CLUSTER", "REDIS_CLUSTER", "true").contains("needs REDIS_URL"));
        refused("REDIS_CLUSTER", "REDIS_URL", seeds, "REDIS_CLUSTER", "yes");
    }

    @Test
    void engineLifecycleIsOffUnlessAskedFor() {
        assertFalse(config().engineLifecycle());
        assertTrue(config("ENGINE_LIFECYCLE", "true").engineLifecycle());
        assertTrue(config("ENGINE_LIFECYCLE", "TRUE").engineLifecycle());
        assertTrue(refused("ENGINE_LIFECYCLE", "ENGINE_LIFECYCLE", "on").contains("not a boolean"));
    }

    @Test
    void engineStreamsAndWaitReplicas() {
        RedisConfig redis = config("REDIS_URL", "redis://r", "ENGINE_STREAMS", "4", "REDIS_WAIT_REPLICAS", "1").redis();
        assertEquals(4, redis.engineStreams());
        assertEquals(1, redis.waitReplicas());
        refused("ENGINE_STREAMS", "ENGINE_STREAMS", "0");
        refused("REDIS_WAIT_REPLICAS", "REDIS_WAIT_REPLICAS", "-1");
    }

    @Test
    void redisPasswordIsNeverShown() {
        String message = refused("REDIS_URL", "REDIS_URL", "http://user:hunter2@host");
        assertFalse(message.contains("hunter2"), message);
        ServerConfig c = config("REDIS_URL", "redis://:hunter2@host:6379");
        assertFalse(c.toString().contains("hunter2"), c.toString());
    }

    @Test
    void redisPrefix() {
        assertEquals("app1:", config("REDIS_PREFIX", "app1:").redis().prefix());
        refused("REDIS_PREFIX", "REDIS_PREFIX", "a b");
        refused("REDIS_PREFIX", "REDIS_PREFIX", "p".repeat(129));
    }

    @Test
    void engine() {
        assertEquals(ServerConfig.EngineMode.NONE, config("REDIS_URL", "redis://r", "ENGINE", "none").engine());
        assertEquals(ServerConfig.EngineMode.ECHO, config("ENGINE", "ECHO").engine());
        assertEquals(ServerConfig.EngineMode.DISCARD, config("ENGINE", "discard").engine());
        assertEquals("ENGINE: \"python\" is not one of echo|none|discard", refused("ENGINE", "ENGINE", "python"));
    }

    @Test
    void engineNoneWithoutRedisIsRefusedUnlessTheOperatorSaysDiscard() {
        assertTrue(refused("ENGINE", "ENGINE", "none").contains("needs REDIS_URL"));
        assertTrue(refused("ENGINE", "REDIS_URL", "redis://r", "ENGINE", "discard").contains("embedded"));
    }

    @Test
    void authModes() {
        assertEquals(AuthConfig.Mode.TOKEN, config("AUTH_MODE", "token").auth().mode());
        assertTrue(config().auth().newAuthenticator() instanceof TokenAuthenticator);
        AuthConfig jwt = config("AUTH_MODE", "JWT", "JWT_SECRET", SECRET).auth();
        assertEquals(Optional.of(SECRET), jwt.jwtSecret());
        assertTrue(jwt.newAuthenticator() instanceof JwtAuthenticator);
        AuthConfig keys = config("AUTH_MODE", "keys", "API_KEYS", "k1=alice,k2=bob").auth();
        assertEquals(Map.of("k1", "alice", "k2", "bob"), keys.apiKeys());
        assertTrue(keys.newAuthenticator() instanceof ApiKeyAuthenticator);
        refused("AUTH_MODE", "AUTH_MODE", "oauth");
    }

    @Test
    void secretsOfOtherModesAreNeitherCheckedNorKept() {
        AuthConfig auth = config("JWT_SECRET", "short", "API_KEYS", "garbage").auth();
        assertEquals(AuthConfig.tokenMode(), auth);
    }

    @Test
    void jwtSecretIsRequiredLongEnoughAndNeverShown() {
        assertEquals("JWT_SECRET: required when AUTH_MODE=jwt (at least 32 bytes), unless JWT_PUBLIC_KEY_FILE or "
                + "JWKS_URL is set",
                refused("JWT_SECRET", "AUTH_MODE", "jwt"));
        String shortSecret = "tooShortSecret-123";
        String message = refused("JWT_SECRET", "AUTH_MODE", "jwt", "JWT_SECRET", shortSecret);
        assertFalse(message.contains(shortSecret), message);
        // 32 bytes, counted in UTF-8: 16 two-byte characters are enough.
        assertEquals(32, config("AUTH_MODE", "jwt", "JWT_SECRET", "é".repeat(16)).auth().jwtSecret().get()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        ServerConfig c = config("AUTH_MODE", "jwt", "JWT_SECRET", SECRET);
        assertFalse(c.toString().contains(SECRET), c.toString());
    }

    @Test
    void apiKeysParse() {
        assertEquals(Map.of("k1", "alice", "abc==", "bob@example.com"),
                config("AUTH_MODE", "keys", "API_KEYS", " k1 = alice , abc===bob@example.com ,").auth().apiKeys());
        assertEquals(Map.of("k1", "alice", "k2", "alice"),
                config("AUTH_MODE", "keys", "API_KEYS", "k1=alice,k2=alice").auth().apiKeys());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "sekrit-key-1", "=alice", "sekrit-key-1=", "sekrit-key-1=bad id",
            "sekrit-key-1=alice,sekrit-key-1=bob", "ok=alice,sekrit-key-1"})
    void badApiKeysAreRefusedWithoutShowingKeys(String value) {
        String message = refused("API_KEYS", "AUTH_MODE", "keys", "API_KEYS", value);
        assertFalse(message.contains("sekrit"), message);
        assertFalse(message.contains("bad id"), message);
    }

    @Test
    void apiKeyMessagesSayWhichEntry() {
        assertEquals("API_KEYS: entries 1 and 3 have the same key",
                refused("API_KEYS", "AUTH_MODE", "keys", "API_KEYS", "a=x,b=y,a=z"));
        assertTrue(refused("API_KEYS", "AUTH_MODE", "keys", "API_KEYS", "a=x,=y").contains("entry 2"));
        ServerConfig c = config("AUTH_MODE", "keys", "API_KEYS", "sekrit-key-1=alice");
        assertFalse(c.toString().contains("sekrit"), c.toString());
    }

    @Test
    void engineKey() {
        assertEquals(Optional.of("k".repeat(16)), config("ENGINE_KEY", "k".repeat(16)).engineKey());
        String shortKey = "sekrit-15-chars";
        String message = refused("ENGINE_KEY", "ENGINE_KEY", shortKey);
        assertFalse(message.contains(shortKey), message);
        ServerConfig c = config("ENGINE_KEY", "sekrit-engine-key-long");
        assertFalse(c.toString().contains("sekrit"), c.toString());
    }

    @Test
    void maxMessageSize() {
        assertEquals(1, config("MAX_MESSAGE_SIZE", "1").limits().maxMessageSize());
        assertEquals(16 * 1024 * 1024, config("MAX_MESSAGE_SIZE", "16777216").limits().maxMessageSize());
        refused("MAX_MESSAGE_SIZE", "MAX_MESSAGE_SIZE", "0");
        refused("MAX_MESSAGE_SIZE", "MAX_MESSAGE_SIZE", "16777217");
        refused("MAX_MESSAGE_SIZE", "MAX_MESSAGE_SIZE", "64k");
    }

    @Test
    void rateLimits() {
        assertEquals(0.5, config("RATE_LIMIT_PER_SEC", "0.5").limits().rateLimitPerSec());
        assertEquals(200.0, config("RATE_LIMIT_PER_SEC", "200").limits().rateLimitPerSec());
        refused("RATE_LIMIT_PER_SEC", "RATE_LIMIT_PER_SEC", "0");
        refused("RATE_LIMIT_PER_SEC", "RATE_LIMIT_PER_SEC", "-3");
        refused("RATE_LIMIT_PER_SEC", "RATE_LIMIT_PER_SEC", "NaN");
        refused("RATE_LIMIT_PER_SEC", "RATE_LIMIT_PER_SEC", "Infinity");
        refused("RATE_LIMIT_PER_SEC", "RATE_LIMIT_PER_SEC", "1e3");
        assertEquals(1, config("RATE_LIMIT_BURST", "1").limits().rateLimitBurst());
        refused("RATE_LIMIT_BURST", "RATE_LIMIT_BURST", "0");
        refused("RATE_LIMIT_BURST", "RATE_LIMIT_BURST", "1.5");
    }

    @Test
    void maxConnectionsPerParticipant() {
        assertEquals(3, config("MAX_CONNECTIONS_PER_PARTICIPANT", "3").limits().maxConnectionsPerParticipant());
        refused("MAX_CONNECTIONS_PER_PARTICIPANT", "MAX_CONNECTIONS_PER_PARTICIPANT", "0");
    }

    @Test
    void timings() {
        TimingConfig t = config("PING_INTERVAL_MS", "300", "PING_TIMEOUT_MS", "200", "NODE_TTL_MS", "1000",
                "RECOVERY_WINDOW_MS", "0", "DRAIN_TIMEOUT_MS", "0").timing();
        assertEquals(new TimingConfig(300, 200, 1000, 0, 0), t);
        refused("PING_INTERVAL_MS", "PING_INTERVAL_MS", "0");
        refused("PING_TIMEOUT_MS", "PING_TIMEOUT_MS", "-5");
        refused("NODE_TTL_MS", "NODE_TTL_MS", "999");
        refused("RECOVERY_WINDOW_MS", "RECOVERY_WINDOW_MS", "-1");
        refused("DRAIN_TIMEOUT_MS", "DRAIN_TIMEOUT_MS", "soon");
    }

    @Test
    void corsOrigins() {
        assertEquals(List.of("https://app.example.com", "http://localhost:5173"),
                config("CORS_ORIGINS", "https://App.Example.com, http://localhost:5173,").corsOrigins());
        assertFalse(config("CORS_ORIGINS", "https://a.example").anyOrigin());
        assertTrue(config("CORS_ORIGINS", " * ").anyOrigin());
        refused("CORS_ORIGINS", "CORS_ORIGINS", "https://app.example.com/");
        refused("CORS_ORIGINS", "CORS_ORIGINS", "app.example.com");
        refused("CORS_ORIGINS", "CORS_ORIGINS", "https://*.example.com");
        refused("CORS_ORIGINS", "CORS_ORIGINS", "*,https://a.example");
        refused("CORS_ORIGINS", "CORS_ORIGINS", ",,");
    }

    @Test
    void logging() {
        assertEquals(new LogConfig(LogConfig.Format.JSON, LogConfig.Level.DEBUG),
                config("LOG_FORMAT", "json", "LOG_LEVEL", "debug").log());
        assertEquals(LogConfig.Level.WARN, config("LOG_LEVEL", "Warn").log().level());
        assertEquals("LOG_FORMAT: \"xml\" is not one of text|json", refused("LOG_FORMAT", "LOG_FORMAT", "xml"));
        refused("LOG_LEVEL", "LOG_LEVEL", "verbose");
    }

    @Test
    void rawWebSocketPaths() {
        assertEquals(List.of("/ws", "/api/v1/clusters/agent/ws"),
                config("RAW_WS_PATHS", " /ws, /api/v1/clusters/agent/ws ,/ws,").rawWsPaths());
        assertEquals(List.of("/agent.v2/~x_y-z"), config("RAW_WS_PATHS", "/agent.v2/~x_y-z").rawWsPaths());
        assertEquals(List.of("/ws"), config("RAW_WS_PATHS", "  ").rawWsPaths()); // blank counts as unset
        String message = refused("RAW_WS_PATHS", "RAW_WS_PATHS", "ws");
        assertTrue(message.contains("\"ws\" is not a path"), message);
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", "/");
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", "/ws/");
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", "/a//b");
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", "/ws?token=x");
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", "/ws/*");
        refused("RAW_WS_PATHS", "RAW_WS_PATHS", ",,");
    }

    @Test
    void variablesReadNamesWhatTheSettingsAskFor() {
        var jwt = ServerConfig.variablesRead(Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET));
        assertTrue(jwt.containsAll(List.of("PORT", "AUTH_MODE", "JWT_SECRET", "JWT_ISSUER", "DRAIN_TIMEOUT_MS")), "" + jwt);
        assertFalse(jwt.contains("API_KEYS"), "API_KEYS is read only with AUTH_MODE=keys: " + jwt);
        assertFalse(jwt.contains("PORTS"), "" + jwt);
        assertThrows(ConfigException.class, () -> ServerConfig.variablesRead(Map.of("PORT", "x")));
    }
}
