package org.sessionserver.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sessionserver.auth.jwt.JwksKeys;
import org.sessionserver.auth.jwt.JwtAuthenticator;
import org.sessionserver.auth.jwt.JwtKeys;
import org.sessionserver.auth.jwt.JwtRules;
import org.sessionserver.auth.jwt.PublicKeys;
import org.sessionserver.auth.jwt.SecretKeys;

/**
 * {@code AUTH_MODE=jwt}: exactly one key source, and the claims every token must carry. {@link #toString()} shows no
 * secret.
 *
 * @param secret              {@code JWT_SECRET}: HS256, at least {@value SecretKeys#MIN_SECRET_BYTES} bytes
 * @param publicKeyFile       {@code JWT_PUBLIC_KEY_FILE}: PEM public key (or certificate), RSA (RS256/384/512) or EC
 *                            (ES256 on P-256, ES384 on P-384); read and checked at start
 * @param jwksUrl             {@code JWKS_URL}: a JWK set over https (http only on a loopback address)
 * @param rules               {@code JWT_ISSUER}, {@code JWT_AUDIENCE}, {@code JWT_PARTICIPANT_CLAIM} (default
 *                            {@value JwtRules#DEFAULT_PARTICIPANT_CLAIM})
 * @param jwksRefetchInterval {@code JWKS_REFETCH_INTERVAL_MS}: how soon an unknown {@code kid} may fetch the set
 *                            again (default 30000; lower it in tests only)
 */
public record JwtConfig(Optional<String> secret, Optional<Path> publicKeyFile, Optional<URI> jwksUrl, JwtRules rules,
                        Duration jwksRefetchInterval) {
    /** Every variable of this record except the secret's, in the order the README lists them. */
    static final List<String> VARIABLES = List.of("JWT_PUBLIC_KEY_FILE", "JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE",
            "JWT_PARTICIPANT_CLAIM", "JWKS_REFETCH_INTERVAL_MS");
    public static final Duration DEFAULT_JWKS_REFETCH_INTERVAL = JwksKeys.DEFAULT_MIN_INTERVAL;
    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final int MAX_CLAIM_VALUE_CHARS = 1024;

    public JwtConfig {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(publicKeyFile, "publicKeyFile");
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(jwksRefetchInterval, "jwksRefetchInterval");
    }

    /** HS256 with {@code secret} and the default rules. */
    public static JwtConfig hs256(String secret) {
        return new JwtConfig(Optional.of(secret), Optional.empty(), Optional.empty(), JwtRules.DEFAULT,
                DEFAULT_JWKS_REFETCH_INTERVAL);
    }

    /** An authenticator over the configured key source; a JWKS starts fetching in the background. */
    public JwtAuthenticator newAuthenticator() {
        JwtKeys keys;
        if (secret.isPresent()) {
            keys = new SecretKeys(secret.get());
        } else if (publicKeyFile.isPresent()) {
            keys = PublicKeys.read(publicKeyFile.get());
        } else {
            keys = JwksKeys.start(jwksUrl.orElseThrow(), rules.issuer(), jwksRefetchInterval);
        }
        return new JwtAuthenticator(keys, rules);
    }

    @Override
    public String toString() {
        return "JwtConfig[keys=" + (secret.isPresent() ? "JWT_SECRET (hidden)" : publicKeyFile.isPresent()
                ? "file " + publicKeyFile.get() : "JWKS " + jwksUrl.orElseThrow()) + ", " + rules + "]";
    }

    static JwtConfig fromEnv(Env env) {
        String secret = env.secret("JWT_SECRET");
        String file = env.get("JWT_PUBLIC_KEY_FILE");
        String url = env.get("JWKS_URL");
        int sources = (secret == null ? 0 : 1) + (file == null ? 0 : 1) + (url == null ? 0 : 1);
        if (sources == 0) {
            throw new ConfigException("JWT_SECRET", "required when AUTH_MODE=jwt (at least "
                    + SecretKeys.MIN_SECRET_BYTES + " bytes), unless JWT_PUBLIC_KEY_FILE or JWKS_URL is set");
        }
        if (sources > 1) {
            throw new ConfigException(secret == null ? "JWT_PUBLIC_KEY_FILE" : "JWT_SECRET",
                    "set exactly one of JWT_SECRET, JWT_PUBLIC_KEY_FILE, JWKS_URL");
        }
        JwtRules rules = new JwtRules(claimValue(env, "JWT_ISSUER"), claimValue(env, "JWT_AUDIENCE"),
                participantClaim(env));
        Duration refetch = Duration.ofMillis(env.integer("JWKS_REFETCH_INTERVAL_MS",
                DEFAULT_JWKS_REFETCH_INTERVAL.toMillis(), 1_000, 3_600_000, "1000-3600000 ms"));
        if (secret != null) {
            if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < SecretKeys.MIN_SECRET_BYTES) {
                throw new ConfigException("JWT_SECRET", "too short (expected at least " + SecretKeys.MIN_SECRET_BYTES
                        + " bytes, as HS256 wants a 256-bit key; value not shown)");
            }
            return new JwtConfig(Optional.of(secret), Optional.empty(), Optional.empty(), rules, refetch);
        }
        if (file != null) {
            Path path = Path.of(file);
            try {
                PublicKeys.read(path);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("JWT_PUBLIC_KEY_FILE", e.getMessage());
            }
            return new JwtConfig(Optional.empty(), Optional.of(path), Optional.empty(), rules, refetch);
        }
        return new JwtConfig(Optional.empty(), Optional.empty(), Optional.of(jwksUrl(url)), rules, refetch);
    }

    /** Refuses the JWT variables in another mode: a JWKS_URL with AUTH_MODE=token would check nothing. */
    static void refuseOutsideJwtMode(Env env, AuthConfig.Mode mode) {
        for (String name : VARIABLES) {
            if (env.get(name) != null) {
                throw new ConfigException(name, "set, but AUTH_MODE is " + mode.name().toLowerCase(Locale.ROOT)
                        + " (JWT settings need AUTH_MODE=jwt)");
            }
        }
    }

    private static URI jwksUrl(String value) {
        String expected = " (expected https://host/path, or http:// on a loopback address)";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException("JWKS_URL", Env.quote(value) + " is not a URL" + expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException("JWKS_URL", Env.quote(value) + " is not an http(s) URL with a host" + expected);
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new ConfigException("JWKS_URL", "plain http to " + uri.getHost()
                    + " would let anyone on the path swap the keys" + expected);
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static Optional<String> claimValue(Env env, String name) {
        String value = env.get(name);
        if (value != null && value.length() > MAX_CLAIM_VALUE_CHARS) {
            throw new ConfigException(name, "longer than " + MAX_CLAIM_VALUE_CHARS + " chars");
        }
        return Optional.ofNullable(value);
    }

    private static String participantClaim(Env env) {
        String claim = env.string("JWT_PARTICIPANT_CLAIM", JwtRules.DEFAULT_PARTICIPANT_CLAIM);
        if (!CLAIM_NAME.matcher(claim).matches()) {
            throw new ConfigException("JWT_PARTICIPANT_CLAIM", Env.quote(claim)
                    + " is not a claim name (expected 1-128 chars of [A-Za-z0-9_.:/-], e.g. sub or user_id)");
        }
        return claim;
    }
}
