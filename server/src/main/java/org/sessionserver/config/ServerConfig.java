package org.sessionserver.config;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the server reads from its environment, validated once at start by {@link #fromEnv}. Unknown variables
 * are ignored; a blank variable counts as unset.
 *
 * @param port        {@code PORT}: where Socket.IO, raw WebSocket and HTTP listen (default {@value #DEFAULT_PORT};
 *                    0 picks a free port, for tests)
 * @param nodeId      {@code NODE_ID}: this node's name in the cluster, 1-64 chars of {@code [A-Za-z0-9._:-]}
 *                    (default {@code node-} and 8 random lowercase letters and digits)
 * @param corsOrigins {@code CORS_ORIGINS}: browser origins allowed, such as {@code https://app.example.com}
 *                    (lowercased), or just {@code *} for any (default {@code *})
 * @param engine      {@code ENGINE}: {@code echo} runs the built-in echo engine, {@code none} expects an outside one
 *                    (Redis only), {@code discard} drops every accepted event (embedded bus only; asked for explicitly,
 *                    for load tests of the front door) (default {@code echo} without {@code REDIS_URL}, {@code none}
 *                    with it)
 * @param engineKey   {@code ENGINE_KEY}: the secret an engine presents to the engine-only HTTP routes, at least
 *                    {@value #MIN_ENGINE_KEY_CHARS} chars (default unset: those routes are disabled)
 * @param redis       {@code REDIS_URL}, {@code REDIS_PREFIX}
 * @param tls         {@code TLS_CERT_FILE}, {@code TLS_KEY_FILE}
 * @param auth        {@code AUTH_MODE}, {@code API_KEYS}, and with {@code jwt} the key source ({@code JWT_SECRET},
 *                    {@code JWT_PUBLIC_KEY_FILE} or {@code JWKS_URL}) and {@code JWT_ISSUER}, {@code JWT_AUDIENCE},
 *                    {@code JWT_PARTICIPANT_CLAIM}
 * @param limits      {@code MAX_MESSAGE_SIZE}, {@code RATE_LIMIT_*}, {@code MAX_CONNECTIONS_PER_PARTICIPANT}
 * @param backlog     {@code BACKLOG_LIMIT_BYTES}, {@code BACKLOG_WAIT_MS}
 * @param timing      {@code PING_*_MS}, {@code NODE_TTL_MS}, {@code RECOVERY_WINDOW_MS}, {@code DRAIN_TIMEOUT_MS}
 * @param log         {@code LOG_FORMAT}, {@code LOG_LEVEL}
 * @param clientEvents {@code CLIENT_EVENTS}: the client event names besides {@code message} that reach the engine
 * @param engineLifecycle {@code ENGINE_LIFECYCLE}: the inbound stream also tells sessions opening and closing and
 *                    participants coming online and going offline (default false)
 * @param rawWsPaths  {@code RAW_WS_PATHS}: the paths that serve the raw WebSocket endpoint, comma-separated, each
 *                    {@code /} and segments of {@code [A-Za-z0-9._~-]} (default {@code /ws}); for clients written
 *                    for other gateways, such as {@code /ws,/api/v1/clusters/agent/ws}
 * @param admin       {@code ADMIN_UI}, {@code ADMIN_USERNAME}, {@code ADMIN_PASSWORD_HASH}, {@code ADMIN_READONLY},
 *                    {@code ADMIN_EVENTS}
 */
public record ServerConfig(int port, String nodeId, List<String> corsOrigins, EngineMode engine,
                           Optional<String> engineKey, RedisConfig redis, TlsConfig tls, AuthConfig auth,
                           LimitsConfig limits, BacklogConfig backlog,
                           TimingConfig timing, LogConfig log, List<String> clientEvents,
                           boolean engineLifecycle, List<String> rawWsPaths, AdminConfig admin) {
    public enum EngineMode {
        /** The built-in echo engine. */
        ECHO,
        /** An engine outside this process reads the inbound stream in Redis. */
        NONE,
        /** No engine at all: the embedded bus acknowledges events and drops them. */
        DISCARD
    }

    public static final int DEFAULT_PORT = 3000;
    public static final String DEFAULT_NODE_ID_PREFIX = "node-";
    public static final String ANY_ORIGIN = "*";
    public static final List<String> DEFAULT_CORS_ORIGINS = List.of(ANY_ORIGIN);
    public static final EngineMode DEFAULT_ENGINE_EMBEDDED = EngineMode.ECHO;
    public static final EngineMode DEFAULT_ENGINE_WITH_REDIS = EngineMode.NONE;
    public static final int MIN_ENGINE_KEY_CHARS = 16;
    public static final List<String> DEFAULT_RAW_WS_PATHS = List.of("/ws");

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern RAW_WS_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern ORIGIN =
            Pattern.compile("[a-z][a-z0-9+.-]*://([a-z0-9-]+(\\.[a-z0-9-]+)*|\\[[0-9a-f:.]+\\])(:\\d{1,5})?");
    private static final String RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ServerConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(engineKey, "engineKey");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(backlog, "backlog");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(log, "log");
        rawWsPaths = List.copyOf(rawWsPaths);
        Objects.requireNonNull(admin, "admin");
    }

    /**
     * Reads and validates every setting.
     *
     * @throws ConfigException naming the first bad variable, in one line that never shows a secret
     */
    public static ServerConfig fromEnv(Map<String, String> vars) {
        return fromEnv(new Env(vars));
    }

    /**
     * The names {@link #fromEnv} reads given {@code vars} (some only when another asks for them, as
     * {@code JWT_SECRET} with {@code AUTH_MODE=jwt}): a deployment file that sets a name outside this set sets
     * nothing. Validates {@code vars} as {@link #fromEnv} does.
     */
    public static Set<String> variablesRead(Map<String, String> vars) {
        Env env = new Env(vars);
        fromEnv(env);
        return env.namesRead();
    }

    private static ServerConfig fromEnv(Env env) {
        RedisConfig redis = RedisConfig.fromEnv(env);
        return new ServerConfig(
                (int) env.integer("PORT", DEFAULT_PORT, 0, 65_535, "a port number 0-65535, 0 = any free port"),
                nodeId(env),
                corsOrigins(env),
                engine(env, redis),
                engineKey(env),
                redis,
                TlsConfig.fromEnv(env),
                AuthConfig.fromEnv(env),
                LimitsConfig.fromEnv(env),
                BacklogConfig.fromEnv(env),
                TimingConfig.fromEnv(env),
                LogConfig.fromEnv(env),
                clientEvents(env),
                env.bool("ENGINE_LIFECYCLE", false),
                rawWsPaths(env),
                AdminConfig.fromEnv(env));
    }

    /** The settings of an empty environment: every default, a random node id. */
    public static ServerConfig defaults() {
        return fromEnv(Map.of());
    }

    /** True when {@link #corsOrigins} is {@code *}. */
    public boolean anyOrigin() {
        return corsOrigins.contains(ANY_ORIGIN);
    }

    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", nodeId=" + nodeId + ", corsOrigins=" + corsOrigins + ", engine="
                + engine + ", engineKey=" + (engineKey.isPresent() ? "(hidden)" : "none") + ", " + redis + ", " + tls
                + ", "
                + auth + ", " + limits + ", " + backlog + ", " + timing + ", " + log + ", clientEvents=" + clientEvents
                + ", engineLifecycle=" + engineLifecycle + ", rawWsPaths=" + rawWsPaths + ", " + admin + "]";
    }

    private static String nodeId(Env env) {
        String id = env.get("NODE_ID");
        if (id == null) {
            StringBuilder random = new StringBuilder(DEFAULT_NODE_ID_PREFIX);
            for (int i = 0; i < 8; i++) {
                random.append(RANDOM_CHARS.charAt(RANDOM.nextInt(RANDOM_CHARS.length())));
            }
            return random.toString();
        }
        if (!NODE_ID.matcher(id).matches()) {
            throw new ConfigException("NODE_ID", Env.quote(id) + " is not a node id (expected 1-64 chars of "
                    + "[A-Za-z0-9._:-])");
        }
        return id;
    }

    /**
     * {@code CLIENT_EVENTS}: the client events that reach the engine, comma-separated ({@code message} always does;
     * {@code *}: any name that is not reserved). The names themselves are checked where they are used (intake).
     */
    private static List<String> clientEvents(Env env) {
        String value = env.get("CLIENT_EVENTS");
        if (value == null) {
            return List.of("message");
        }
        List<String> names = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                names.add(part.strip());
            }
        }
        return List.copyOf(names);
    }

    /** {@code RAW_WS_PATHS}: paths of the raw endpoint; whether they collide with another route is checked at start. */
    private static List<String> rawWsPaths(Env env) {
        String value = env.get("RAW_WS_PATHS");
        if (value == null) {
            return DEFAULT_RAW_WS_PATHS;
        }
        String expected = " (expected comma-separated paths like /ws,/api/v1/clusters/agent/ws: each a / and "
                + "segments of [A-Za-z0-9._~-], no trailing /)";
        List<String> paths = new ArrayList<>();
        for (String part : value.split(",")) {
            String path = part.strip();
            if (path.isEmpty()) {
                continue;
            }
            if (!RAW_WS_PATH.matcher(path).matches()) {
                throw new ConfigException("RAW_WS_PATHS", Env.quote(path) + " is not a path" + expected);
            }
            if (!paths.contains(path)) {
                paths.add(path);
            }
        }
        if (paths.isEmpty()) {
            throw new ConfigException("RAW_WS_PATHS", Env.quote(value) + " names no path" + expected);
        }
        return paths;
    }

    private static List<String> corsOrigins(Env env) {
        String value = env.get("CORS_ORIGINS");
        if (value == null || value.equals(ANY_ORIGIN)) {
            return DEFAULT_CORS_ORIGINS;
        }
        String expected = " (expected * or comma-separated origins like https://app.example.com, no path)";
        List<String> origins = new ArrayList<>();
        for (String part : value.split(",")) {
            String origin = part.strip().toLowerCase(Locale.ROOT);
            if (origin.isEmpty()) {
                continue;
            }
            if (origin.equals(ANY_ORIGIN)) {
                throw new ConfigException("CORS_ORIGINS", "\"*\" must stand alone" + expected);
            }
            if (!ORIGIN.matcher(origin).matches()) {
                throw new ConfigException("CORS_ORIGINS", Env.quote(part.strip()) + " is not an origin" + expected);
            }
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        if (origins.isEmpty()) {
            throw new ConfigException("CORS_ORIGINS", Env.quote(value) + " names no origin" + expected);
        }
        return origins;
    }

    /**
     * Without Redis nothing outside this process can read the events it acknowledges: {@code none} would accept them
     * into a void, so it is refused there, and the operator who means it says {@code discard}.
     */
    private static EngineMode engine(Env env, RedisConfig redis) {
        EngineMode engine = env.choice("ENGINE", redis.isEmbedded() ? DEFAULT_ENGINE_EMBEDDED
                : DEFAULT_ENGINE_WITH_REDIS, EngineMode.class);
        if (engine == EngineMode.NONE && redis.isEmbedded()) {
            throw new ConfigException("ENGINE", "none needs REDIS_URL: without Redis no engine can read the events "
                    + "this node acknowledges; use echo, set REDIS_URL, or ENGINE=discard to drop them knowingly");
        }
        if (engine == EngineMode.DISCARD && !redis.isEmbedded()) {
            throw new ConfigException("ENGINE", "discard is for the embedded bus; with REDIS_URL use none");
        }
        return engine;
    }

    private static Optional<String> engineKey(Env env) {
        String key = env.secret("ENGINE_KEY");
        if (key != null && key.length() < MIN_ENGINE_KEY_CHARS) {
            throw new ConfigException("ENGINE_KEY", "too short (expected at least " + MIN_ENGINE_KEY_CHARS
                    + " chars; value not shown)");
        }
        return Optional.ofNullable(key);
    }
}
