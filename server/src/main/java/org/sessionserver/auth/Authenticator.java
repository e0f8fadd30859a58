package org.sessionserver.auth;

/**
 * Turns the token a client presented into the participant it proves to be. The seam between the Socket.IO and
 * raw WebSocket endpoints and whatever identity scheme {@code AUTH_MODE} selects.
 *
 * <p>Contract: pure CPU, no I/O and no blocking, so it may run on a Netty I/O thread at every CONNECT;
 * thread-safe, one instance serves every connection. The result is a valid participant id
 * ({@link ParticipantIds#isValid}), never null. The reason of a refusal is for the server's logs only: clients are
 * only ever told "unauthorized".
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * @param token what the client presented ({@link Credentials#pick}), null when it presented nothing
     * @return the participant id the token proves
     * @throws AuthenticationException when the token proves nothing
     */
    String authenticate(String token) throws AuthenticationException;
}
