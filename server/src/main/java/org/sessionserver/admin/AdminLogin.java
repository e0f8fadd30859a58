package org.sessionserver.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.sessionserver.transport.socketio.ConnectGate;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioHandshake;

/**
 * Who may join {@code /admin}: a CONNECT with the UI's {@code auth} {@code {"username","password"}} matching
 * {@code ADMIN_USERNAME} and the bcrypt {@code ADMIN_PASSWORD_HASH}, or {@code {"sessionId"}} of an earlier good login
 * on this node. Anyone else gets exactly what a namespace that does not exist answers, {@code {"message":"Invalid
 * namespace"}}, so the admin namespace cannot be told from a missing one without the credentials.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds at cost 10): it runs on {@code verifier}, never on an event
 * loop, and one login at a time there slows guessing down.
 */
final class AdminLogin implements ConnectGate {
    /** What {@code SioConnection} answers for a namespace that was never created. */
    static final String REFUSAL = "Invalid namespace";

    /** Admitted: with the id of the login session opened for it, or null when it came with a valid one. */
    record Admitted(String newSessionId) {
    }

    private final byte[] username;
    private final char[] passwordHash;
    private final AdminSessions sessions;
    private final Executor verifier;

    AdminLogin(String username, String passwordHash, AdminSessions sessions, Executor verifier) {
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.passwordHash = passwordHash.toCharArray();
        this.sessions = sessions;
        this.verifier = verifier;
    }

    @Override
    public CompletionStage<Object> admit(SioHandshake handshake) {
        JsonNode auth = handshake.auth();
        JsonNode sessionId = auth.get("sessionId");
        if (sessionId != null && sessionId.isTextual() && sessions.isValid(sessionId.textValue())) {
            return CompletableFuture.completedFuture(new Admitted(null));
        }
        JsonNode user = auth.get("username");
        JsonNode password = auth.get("password");
        if (user == null || !user.isTextual() || password == null || !password.isTextual()) {
            return CompletableFuture.failedFuture(refusal());
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (!matches(user.textValue(), password.textValue())) {
                    throw refusal();
                }
                return new Admitted(sessions.open());
            }, verifier);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.failedFuture(refusal()); // a flood of logins: refused, not queued without end
        }
    }

    /** Both checks always run, so the time taken does not tell a wrong name from a wrong password. */
    boolean matches(String user, String password) {
        boolean nameMatches = MessageDigest.isEqual(username, user.getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches;
        try {
            passwordMatches = BCrypt.verifyer().verify(password.toCharArray(), passwordHash).verified;
        } catch (IllegalArgumentException tooLong) {
            passwordMatches = false; // over bcrypt's 72 bytes
        }
        return nameMatches & passwordMatches;
    }

    static ConnectRefusedException refusal() {
        return new ConnectRefusedException(REFUSAL, null);
    }
}
