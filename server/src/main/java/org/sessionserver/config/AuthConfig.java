package org.sessionserver.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sessionserver.auth.ApiKeyAuthenticator;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.ParticipantIds;
import org.sessionserver.auth.TokenAuthenticator;

/**
 * How clients prove who they are. Only the secret the mode uses is kept; {@link #toString()} shows none of them.
 *
 * @param mode    {@code AUTH_MODE}: {@code token} (default), {@code jwt} or {@code keys}
 * @param jwt     with {@code jwt}: the key source ({@code JWT_SECRET}, {@code JWT_PUBLIC_KEY_FILE} or {@code JWKS_URL})
 *                and the claims required; empty in the other modes
 * @param apiKeys {@code API_KEYS} ({@code key1=participantA,key2=participantB}): API key to participant id,
 *                required with {@code keys}; empty in the other modes
 */
public record AuthConfig(Mode mode, Optional<JwtConfig> jwt, Map<String, String> apiKeys) {
    public enum Mode { TOKEN, JWT, KEYS }

    public static final Mode DEFAULT_MODE = Mode.TOKEN;

    public AuthConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(jwt, "jwt");
        apiKeys = Map.copyOf(apiKeys);
    }

    /** {@code JWT_SECRET}, when the mode is {@code jwt} with HS256. */
    public Optional<String> jwtSecret() {
        return jwt.flatMap(JwtConfig::secret);
    }

    /** Development setting: the token is the participant id. */
    public static AuthConfig tokenMode() {
        return new AuthConfig(Mode.TOKEN, Optional.empty(), Map.of());
    }

    /**
     * The authenticator {@link #mode} names, ready for every connection. With a JWKS it fetches in the background:
     * close it (it is then {@link AutoCloseable}) when the server stops.
     */
    public Authenticator newAuthenticator() {
        return switch (mode) {
            case TOKEN -> new TokenAuthenticator();
            case JWT -> jwt.orElseThrow().newAuthenticator();
            case KEYS -> new ApiKeyAuthenticator(apiKeys);
        };
    }

    @Override
    public String toString() {
        return "AuthConfig[mode=" + mode + ", jwt=" + jwt.map(JwtConfig::toString).orElse("none")
                + ", apiKeys=" + apiKeys.size() + " (hidden)]";
    }

    static AuthConfig fromEnv(Env env) {
        Mode mode = env.choice("AUTH_MODE", DEFAULT_MODE, Mode.class);
        if (mode != Mode.JWT) {
            JwtConfig.refuseOutsideJwtMode(env, mode);
        }
        return switch (mode) {
            case TOKEN -> tokenMode();
            case JWT -> new AuthConfig(mode, Optional.of(JwtConfig.fromEnv(env)), Map.of());
            case KEYS -> new AuthConfig(mode, Optional.empty(), apiKeys(env));
        };
    }

    /** Parses {@code API_KEYS}. Its messages name entries by position and never show a key or an id. */
    private static Map<String, String> apiKeys(Env env) {
        String value = env.secret("API_KEYS");
        if (value == null) {
            throw new ConfigException("API_KEYS", "required when AUTH_MODE=keys (expected key1=participantA,"
                    + "key2=participantB)");
        }
        Map<String, String> participantsByKey = new HashMap<>();
        Map<String, Integer> entryOfKey = new HashMap<>();
        String[] entries = value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int number = i + 1;
            if (entry.isEmpty()) {
                continue; // a stray comma
            }
            // Split at the last '=': ids have none, while base64 keys may end with '='.
            int eq = entry.lastIndexOf('=');
            if (eq < 0) {
                throw new ConfigException("API_KEYS", "entry " + number + " is not key=participantId (values not shown)");
            }
            String key = entry.substring(0, eq).strip();
            String participant = entry.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw new ConfigException("API_KEYS", "entry " + number + " has an empty key");
            }
            if (!ParticipantIds.isValid(participant)) {
                throw new ConfigException("API_KEYS", "entry " + number + " has no valid participant id (expected "
                        + ParticipantIds.RULE + "; values not shown)");
            }
            Integer earlier = entryOfKey.putIfAbsent(key, number);
            if (earlier != null) {
                throw new ConfigException("API_KEYS", "entries " + earlier + " and " + number + " have the same key");
            }
            participantsByKey.put(key, participant);
        }
        if (participantsByKey.isEmpty()) {
            throw new ConfigException("API_KEYS", "no entries (expected key1=participantA,key2=participantB)");
        }
        return participantsByKey;
    }
}
