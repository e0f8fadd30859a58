package org.sessionserver.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;

/**
 * {@code AUTH_MODE=jwt}: an HS256 JWT signed with {@code JWT_SECRET} (its UTF-8 bytes, as a string secret is used by
 * Node's jsonwebtoken). The participant is {@code sub}; {@code exp} is required and enforced, as are {@code nbf}
 * and {@code iat} when present, each with {@value #CLOCK_SKEW_SECONDS} s of clock skew. Any other algorithm,
 * {@code none} included, is refused.
 */
public final class JwtAuthenticator implements Authenticator {
    /** HS256 wants a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final long CLOCK_SKEW_SECONDS = 5;
    /** Longer tokens are refused before any parsing: no honest token comes near it. */
    static final int MAX_TOKEN_CHARS = 8192;

    private final JWTVerifier verifier;

    public JwtAuthenticator(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        // The verifier checks that the header's alg is exactly HS256, so alg=none and HS/RS confusion fail.
        this.verifier = JWT.require(Algorithm.HMAC256(key))
                .withClaimPresence("exp")
                .acceptLeeway(CLOCK_SKEW_SECONDS)
                .build();
    }

    @Override
    public String authenticate(String token) throws AuthenticationException {
        if (token == null || token.isEmpty()) {
            throw new AuthenticationException("no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationException("token longer than " + MAX_TOKEN_CHARS + " chars");
        }
        DecodedJWT jwt = verify(token);
        String subject = jwt.getClaim("sub").asString(); // null unless sub is a string
        if (!ParticipantIds.isValid(subject)) {
            throw new AuthenticationException("sub is missing or not a valid participant id (" + ParticipantIds.RULE
                    + ")");
        }
        return subject;
    }

    private DecodedJWT verify(String token) throws AuthenticationException {
        try {
            return verifier.verify(token);
        } catch (JWTDecodeException e) {
            throw new AuthenticationException("malformed JWT");
        } catch (AlgorithmMismatchException e) {
            throw new AuthenticationException("JWT alg is not HS256");
        } catch (SignatureVerificationException e) {
            throw new AuthenticationException("bad JWT signature");
        } catch (TokenExpiredException e) {
            throw new AuthenticationException("JWT expired");
        } catch (MissingClaimException e) {
            throw new AuthenticationException("JWT lacks claim " + e.getClaimName());
        } catch (IncorrectClaimException e) {
            throw new AuthenticationException("JWT claim " + e.getClaimName() + " not valid now");
        } catch (JWTVerificationException e) {
            throw new AuthenticationException("JWT refused (" + e.getClass().getSimpleName() + ")");
        }
    }
}
