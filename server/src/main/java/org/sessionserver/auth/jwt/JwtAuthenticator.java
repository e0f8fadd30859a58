package org.sessionserver.auth.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.sessionserver.auth.AuthenticationException;
import org.sessionserver.auth.Authenticator;
import org.sessionserver.auth.ParticipantIds;

/**
 * {@code AUTH_MODE=jwt}: a signed JWT (JWS compact form) whose {@code alg} is one its {@link JwtKeys} accept, verified
 * with one of their keys; {@code exp} required, {@code nbf} and {@code iat} checked when present, each with
 * {@value #CLOCK_SKEW_SECONDS} s of clock skew; then the {@link JwtRules} (issuer, audience, participant claim).
 * {@code alg: none} and every algorithm the keys do not name are refused before any key is looked at.
 *
 * <p>The claims are checked before the signature: cheaper, and an expired token or one of another issuer never
 * makes a JWKS fetch. Nothing is trusted until the signature verified.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
    public static final long CLOCK_SKEW_SECONDS = 5;
    /** Longer tokens are refused before any parsing: no honest token comes near it. */
    static final int MAX_TOKEN_CHARS = 8192;

    private final JwtKeys keys;
    private final JwtRules rules;
    private final String algorithmNames;

    public JwtAuthenticator(JwtKeys keys, JwtRules rules) {
        this.keys = keys;
        this.rules = rules;
        this.algorithmNames = keys.algorithms().stream().map(JWSAlgorithm::getName).sorted()
                .collect(Collectors.joining("/"));
    }

    /** HS256 with {@code secret}, participant = {@code sub}: the settings this server had before JWKS. */
    public static JwtAuthenticator hs256(String secret) {
        return new JwtAuthenticator(new SecretKeys(secret), JwtRules.DEFAULT);
    }

    /** A token whose signature is still to be checked, with its claims already found acceptable. */
    private record Checked(SignedJWT jwt, String participant, String issuer) {
        JWSHeader header() {
            return jwt.getHeader();
        }
    }

    @Override
    public String authenticate(String token) throws AuthenticationException {
        Checked checked = check(token);
        List<JWSVerifier> verifiers = keys.verifiersFor(checked.header(), checked.issuer());
        if (verifiers.isEmpty()) {
            keys.fetchAgain(); // for the next attempt; this one is answered from memory
            throw noKey(checked);
        }
        return verify(checked, verifiers);
    }

    /** As {@link #authenticate}, but a token whose key is not known yet waits for the key source to be asked again. */
    @Override
    public CompletionStage<String> authenticateAsync(String token) {
        Checked checked;
        List<JWSVerifier> verifiers;
        try {
            checked = check(token);
            verifiers = keys.verifiersFor(checked.header(), checked.issuer());
            if (!verifiers.isEmpty()) {
                return CompletableFuture.completedFuture(verify(checked, verifiers));
            }
        } catch (AuthenticationException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.fetchAgain().thenApply(fetched -> {
            try {
                List<JWSVerifier> fresh = keys.verifiersFor(checked.header(), checked.issuer());
                if (fresh.isEmpty()) {
                    throw noKey(checked);
                }
                return verify(checked, fresh);
            } catch (AuthenticationException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Length, structure, algorithm and claims: everything but the signature. */
    private Checked check(String token) throws AuthenticationException {
        if (token == null || token.isEmpty()) {
            throw new AuthenticationException("no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationException("token longer than " + MAX_TOKEN_CHARS + " chars");
        }
        requireAcceptedAlgorithm(token);
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthenticationException("malformed JWT");
        }
        checkTimes(claims);
        checkIssuerAndAudience(claims);
        return new Checked(jwt, participant(jwt.getPayload().toJSONObject()), claims.getIssuer());
    }

    /**
     * The header's {@code alg}, read before the token is parsed as a JWS: a missing {@code alg}, {@code none} and
     * any algorithm the keys do not accept (HS256 against public keys: algorithm confusion) are refused as such.
     */
    private void requireAcceptedAlgorithm(String token) throws AuthenticationException {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new AuthenticationException("malformed JWT");
        }
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(new Base64URL(token.substring(0, dot)).decodeToString());
        } catch (ParseException | RuntimeException e) {
            throw new AuthenticationException("malformed JWT");
        }
        Object alg = header.get("alg");
        if (!(alg instanceof String name) || !keys.algorithms().contains(JWSAlgorithm.parse(name))) {
            throw new AuthenticationException("JWT alg is not " + algorithmNames);
        }
    }

    private static void checkTimes(JWTClaimsSet claims) throws AuthenticationException {
        long now = System.currentTimeMillis();
        long skew = CLOCK_SKEW_SECONDS * 1000;
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new AuthenticationException("JWT lacks claim exp");
        }
        if (expires.getTime() + skew <= now) {
            throw new AuthenticationException("JWT expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.getTime() - skew > now) {
            throw new AuthenticationException("JWT claim nbf not valid now");
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && issuedAt.getTime() - skew > now) {
            throw new AuthenticationException("JWT claim iat not valid now");
        }
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) throws AuthenticationException {
        if (rules.issuer().isPresent() && !rules.issuer().get().equals(claims.getIssuer())) {
            throw new AuthenticationException("JWT iss is not the expected issuer");
        }
        if (rules.audience().isPresent()) {
            List<String> audience = claims.getAudience(); // a string aud counts as a list of one
            if (audience == null || !audience.contains(rules.audience().get())) {
                throw new AuthenticationException("JWT aud does not name this audience");
            }
        }
    }

    /** From the payload as sent: nimbus' claims set turns a numeric {@code sub} into text, which is no id here. */
    private String participant(Map<String, Object> payload) throws AuthenticationException {
        Object value = payload == null ? null : payload.get(rules.participantClaim());
        if (!(value instanceof String id) || !ParticipantIds.isValid(id)) {
            throw new AuthenticationException(rules.participantClaim() + " is missing or not a valid participant id ("
                    + ParticipantIds.RULE + ")");
        }
        return id;
    }

    private static String verify(Checked checked, List<JWSVerifier> verifiers) throws AuthenticationException {
        for (JWSVerifier verifier : verifiers) {
            try {
                if (checked.jwt().verify(verifier)) {
                    return checked.participant();
                }
            } catch (JOSEException | IllegalStateException e) {
                // this key cannot verify this algorithm: try the next
            }
        }
        throw new AuthenticationException("bad JWT signature");
    }

    private static AuthenticationException noKey(Checked checked) {
        String kid = checked.header().getKeyID();
        return new AuthenticationException(kid == null ? "no key for this JWT (no kid)"
                : "no key for JWT kid " + kid.substring(0, Math.min(kid.length(), 64)));
    }

    @Override
    public void close() {
        keys.close();
    }
}
