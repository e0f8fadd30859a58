package org.sessionserver.config;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sessionserver.auth.ApiKeyAuthenticator;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.JwtAuthenticator;
import org.sessionserver.auth.ParticipantIds;
import org.sessionserver.auth.TokenAuthenticator;

/**
 * How clients prove who they are. Only the secret the mode uses is kept; {@link #toString()} shows none of them.
 *
 * @param mode      {@code AUTH_MODE}: {@code token} (default), {@code jwt} or {@code keys}
 * @param jwtSecret {@code JWT_SECRET}: required with {@code jwt}, at least {@value #MIN_JWT_SECRET_BYTES} bytes;
 *                  empty in the other modes
 * @param apiKeys   {@code API_KEYS} ({@code key1=participantA,key2=participantB}): API key to participant id,
 *                  required with {@code keys}; empty in the other modes
 */
public record AuthConfig(Mode mode, Optional<String> jwtSecret, Map<String, String> apiKeys) {
    public enum Mode { TOKEN, JWT, KEYS }

    public static final Mode DEFAULT_MODE = Mode.TOKEN;
    public static final int MIN_JWT_SECRET_BYTES = JwtAuthenticator.MIN_SECRET_BYTES;

    public AuthConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        apiKeys = Map.copyOf(apiKeys);
    }

    /** Development setting: the token is the participant id. */
    public static AuthConfig tokenMode() {
        return new AuthConfig(Mode.TOKEN, Optional.empty(), Map.of());
    }

    /** The authenticator {@link #mode} names, ready for every connection. */
    public Authenticator newAuthenticator() {
        return switch (mode) {
            case TOKEN -> new TokenAuthenticator();
            case JWT -> new JwtAuthenticator(jwtSecret.orElseThrow());
            case KEYS -> new ApiKeyAuthenticator(apiKeys);
        };
    }

    @Override
    public String toString() {
        return "AuthConfig[mode=" + mode + ", jwtSecret=" + (jwtSecret.isPresent() ? "(hidden)" : "none")
                + ", apiKeys=" + apiKeys.size() + " (hidden)]";
    }

    static AuthConfig fromEnv(Env env) {
        Mode mode = env.choice("AUTH_MODE", DEFAULT_MODE, Mode.class);
        return switch (mode) {
            case TOKEN -> tokenMode();
            case JWT -> new AuthConfig(mode, Optional.of(jwtSecret(env)), Map.of());
            case KEYS -> new AuthConfig(mode, Optional.empty(), apiKeys(env));
        };
    }

    private static String jwtSecret(Env env) {
        String secret = env.secret("JWT_SECRET");
        if (secret == null) {
            throw new ConfigException("JWT_SECRET", "required when AUTH_MODE=jwt (at least "
                    + MIN_JWT_SECRET_BYTES + " bytes)");
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
            throw new ConfigException("JWT_SECRET", "too short (expected at least " + MIN_JWT_SECRET_BYTES
                    + " bytes, as HS256 wants a 256-bit key; value not shown)");
        }
        return secret;
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
