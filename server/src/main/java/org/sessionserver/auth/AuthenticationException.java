package org.sessionserver.auth;

/**
 * A refused token. The message is a short reason for the server's logs ("expired", "bad signature"); never show it
 * to the client, which only learns "unauthorized". Checked, so that every caller decides what a refusal does.
 */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String reason) {
        // No stack trace: refusals are routine (any client can cause one at will) and the reason says it all.
        super(reason, null, false, false);
    }

    /** The reason behind a failed {@link Authenticator#authenticateAsync} stage, for logs. */
    public static String reasonOf(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof AuthenticationException ? cause.getMessage() : "authentication failed: " + cause;
    }
}
