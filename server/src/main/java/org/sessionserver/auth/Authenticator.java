package org.sessionserver.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns the token a client presented into the participant it proves to be. The seam between the Socket.IO and
 * raw WebSocket endpoints, {@code POST /event}, and whatever identity scheme {@code AUTH_MODE} selects.
 *
 * <p>Contract: thread-safe, one instance serves every connection; neither method blocks or does I/O on the calling
 * thread (a key fetch runs on a thread of the authenticator's own), so both may run on a Netty I/O thread at every
 * CONNECT. The result is a valid participant id ({@link ParticipantIds#isValid}),
 * never null. The reason of a refusal is for the server's logs only: clients are only ever told "unauthorized".
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Decides from what is in memory now. A key this authenticator could still fetch (a JWKS {@code kid} it has not
     * seen) counts as missing here: use {@link #authenticateAsync} where the caller can wait.
     *
     * @param token what the client presented ({@link Credentials#pick}), null when it presented nothing
     * @return the participant id the token proves
     * @throws AuthenticationException when the token proves nothing
     */
    String authenticate(String token) throws AuthenticationException;

    /**
     * What the endpoints call. Usually complete on return (the same decision as {@link #authenticate}); when a key
     * must first be fetched it completes later, on a thread that is not an event loop, so callers that need their
     * loop must go back to it. Fails with {@link AuthenticationException} on a refusal.
     */
    default CompletionStage<String> authenticateAsync(String token) {
        try {
            return CompletableFuture.completedFuture(authenticate(token));
        } catch (AuthenticationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
