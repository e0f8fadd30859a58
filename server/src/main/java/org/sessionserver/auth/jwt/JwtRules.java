package org.sessionserver.auth.jwt;

import java.util.Objects;
import java.util.Optional;

/**
 * What a verified token's claims must say, beyond {@code exp} (always required) and {@code nbf}/{@code iat} (checked
 * when present), each with {@link JwtAuthenticator#CLOCK_SKEW_SECONDS} s of clock skew.
 *
 * @param issuer           {@code JWT_ISSUER}: {@code iss} must equal it, when set
 * @param audience         {@code JWT_AUDIENCE}: {@code aud} (a string or an array) must contain it, when set
 * @param participantClaim {@code JWT_PARTICIPANT_CLAIM}: the claim that holds the participant id (default
 *                         {@value #DEFAULT_PARTICIPANT_CLAIM})
 */
public record JwtRules(Optional<String> issuer, Optional<String> audience, String participantClaim) {
    public static final String DEFAULT_PARTICIPANT_CLAIM = "sub";
    public static final JwtRules DEFAULT = new JwtRules(Optional.empty(), Optional.empty(), DEFAULT_PARTICIPANT_CLAIM);

    public JwtRules {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(participantClaim, "participantClaim");
    }
}
