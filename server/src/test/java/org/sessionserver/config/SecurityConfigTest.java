package org.sessionserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.auth.jwt.JwtRules;
import org.sessionserver.it.support.JwtTokens;

/** The variables of DESIGN.md "Security": TLS_*, JWT_PUBLIC_KEY_FILE, JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, ... */
class SecurityConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-s3cr3t";

    @TempDir
    Path dir;

    private static ServerConfig config(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ServerConfig.fromEnv(env);
    }

    /** The one-line message of the refusal, which must name {@code variable} first. */
    private static String refused(String variable, String... pairs) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(pairs));
        assertTrue(e.getMessage().startsWith(variable + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void tlsIsOffByDefaultAndTakesBothFilesOrNeither() {
        assertEquals(TlsConfig.OFF, config().tls());
        TlsConfig tls = config("TLS_CERT_FILE", "/etc/tls/cert.pem", "TLS_KEY_FILE", "/etc/tls/key.pem").tls();
        assertEquals(Optional.of(Path.of("/etc/tls/cert.pem")), tls.certFile());
        assertEquals(Optional.of(Path.of("/etc/tls/key.pem")), tls.keyFile());
        assertTrue(tls.enabled());
        refused("TLS_KEY_FILE", "TLS_CERT_FILE", "/etc/tls/cert.pem");
        refused("TLS_CERT_FILE", "TLS_KEY_FILE", "/etc/tls/key.pem");
        assertEquals(TlsConfig.OFF, config("TLS_CERT_FILE", " ", "TLS_KEY_FILE", "").tls(), "blank counts as unset");
    }

    @Test
    void jwtModeNeedsExactlyOneKeySource() {
        assertTrue(refused("JWT_SECRET", "AUTH_MODE", "jwt").contains("JWT_PUBLIC_KEY_FILE or JWKS_URL"));
        assertTrue(refused("JWT_SECRET", "AUTH_MODE", "jwt", "JWT_SECRET", SECRET, "JWKS_URL",
                "https://id.example.com/jwks").contains("exactly one of"));
        refused("JWT_PUBLIC_KEY_FILE", "AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE", "/k.pem", "JWKS_URL",
                "https://id.example.com/jwks");
        assertEquals(Optional.of(SECRET), config("AUTH_MODE", "jwt", "JWT_SECRET", SECRET).auth().jwtSecret());
    }

    @Test
    void aPublicKeyFileIsReadAndCheckedAtStart() throws Exception {
        Path rsa = JwtTokens.pemFile(dir, JwtTokens.rsa("k"));
        JwtConfig jwt = config("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE", rsa.toString()).auth().jwt().orElseThrow();
        assertEquals(Optional.of(rsa), jwt.publicKeyFile());
        assertEquals(JwtRules.DEFAULT, jwt.rules());
        assertTrue(refused("JWT_PUBLIC_KEY_FILE", "AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE",
                dir.resolve("absent.pem").toString()).contains("cannot read"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "garbage");
        assertTrue(refused("JWT_PUBLIC_KEY_FILE", "AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE", garbage.toString())
                .contains("no PEM PUBLIC KEY"));
        Path p521 = Files.writeString(dir.resolve("p521.pem"), JwtTokens.pem(JwtTokens.ec(Curve.P_521, "x")));
        assertTrue(refused("JWT_PUBLIC_KEY_FILE", "AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE", p521.toString())
                .contains("P-521"));
    }

    @Test
    void jwksUrlIsHttpsOrLoopbackHttp() {
        JwtConfig jwt = config("AUTH_MODE", "jwt", "JWKS_URL", "https://id.example.com/.well-known/jwks.json")
                .auth().jwt().orElseThrow();
        assertEquals(Optional.of(URI.create("https://id.example.com/.well-known/jwks.json")), jwt.jwksUrl());
        assertEquals(Duration.ofSeconds(30), jwt.jwksRefetchInterval(), "default: at most every 30 s");
        config("AUTH_MODE", "jwt", "JWKS_URL", "http://127.0.0.1:8080/jwks");
        config("AUTH_MODE", "jwt", "JWKS_URL", "http://localhost/jwks");
        assertTrue(refused("JWKS_URL", "AUTH_MODE", "jwt", "JWKS_URL", "http://id.example.com/jwks")
                .contains("plain http"));
        refused("JWKS_URL", "AUTH_MODE", "jwt", "JWKS_URL", "ftp://id.example.com/jwks");
        refused("JWKS_URL", "AUTH_MODE", "jwt", "JWKS_URL", "not a url");
        refused("JWKS_URL", "AUTH_MODE", "jwt", "JWKS_URL", "https://user:pw@id.example.com/jwks");
        assertEquals(Duration.ofSeconds(2), config("AUTH_MODE", "jwt", "JWKS_URL", "https://id.example.com/jwks",
                "JWKS_REFETCH_INTERVAL_MS", "2000").auth().jwt().orElseThrow().jwksRefetchInterval());
        refused("JWKS_REFETCH_INTERVAL_MS", "AUTH_MODE", "jwt", "JWKS_URL", "https://id.example.com/jwks",
                "JWKS_REFETCH_INTERVAL_MS", "10");
    }

    @Test
    void issuerAudienceAndParticipantClaim() {
        JwtRules rules = config("AUTH_MODE", "jwt", "JWT_SECRET", SECRET, "JWT_ISSUER", "https://id.example.com/",
                "JWT_AUDIENCE", "session-server", "JWT_PARTICIPANT_CLAIM", "user_id").auth().jwt().orElseThrow()
                .rules();
        assertEquals(new JwtRules(Optional.of("https://id.example.com/"), Optional.of("session-server"), "user_id"),
                rules);
        refused("JWT_PARTICIPANT_CLAIM", "AUTH_MODE", "jwt", "JWT_SECRET", SECRET, "JWT_PARTICIPANT_CLAIM", "a b");
        refused("JWT_ISSUER", "AUTH_MODE", "jwt", "JWT_SECRET", SECRET, "JWT_ISSUER", "x".repeat(1025));
    }

    @Test
    void jwtSettingsOutsideJwtModeAreRefusedRatherThanIgnored() {
        assertTrue(refused("JWKS_URL", "JWKS_URL", "https://id.example.com/jwks").contains("AUTH_MODE is token"));
        refused("JWT_ISSUER", "AUTH_MODE", "keys", "API_KEYS", "k=alice", "JWT_ISSUER", "https://id.example.com/");
        refused("JWT_PUBLIC_KEY_FILE", "JWT_PUBLIC_KEY_FILE", "/k.pem");
    }

    @Test
    void toStringShowsNoSecret() {
        String text = config("AUTH_MODE", "jwt", "JWT_SECRET", SECRET).toString();
        assertFalse(text.contains(SECRET), text);
    }
}
