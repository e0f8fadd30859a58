package org.sessionserver.auth;

/**
 * {@code AUTH_MODE=token}, for development: the token is the participant id, taken on trust. Anything that is not a
 * plain id ({@link ParticipantIds}) is refused.
 */
public final class TokenAuthenticator implements Authenticator {
    @Override
    public String authenticate(String token) throws AuthenticationException {
        if (token == null || token.isEmpty()) {
            throw new AuthenticationException("no token");
        }
        if (!ParticipantIds.isValid(token)) {
            throw new AuthenticationException("token is not a valid participant id (" + ParticipantIds.RULE + ")");
        }
        return token;
    }
}
