package org.sessionserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sessionserver.transport.engineio.EioTransport;
import org.sessionserver.transport.http.HandshakeRequest;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioHandshake;

/** The admin namespace's login: bcrypt as the package's server checks it, login sessions, and one refusal for all. */
class AdminLoginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong clock = new AtomicLong();
    private final AdminSessions sessions = new AdminSessions(clock::get);

    private AdminLogin login(String hash) {
        return new AdminLogin("ops", hash, sessions, Runnable::run);
    }

    private static String hash(BCrypt.Version version, String password) {
        return BCrypt.with(version).hashToString(4, password.toCharArray());
    }

    private static SioHandshake connect(String auth) throws Exception {
        return new SioHandshake("/admin", (ObjectNode) JSON.readTree(auth),
                new HandshakeRequest(Map.of(), new DefaultHttpHeaders(), null), EioTransport.WEBSOCKET);
    }

    private static Object admitted(AdminLogin login, String auth) throws Exception {
        return login.admit(connect(auth)).toCompletableFuture().join();
    }

    private static void assertRefused(AdminLogin login, String auth) throws Exception {
        CompletionException e = assertThrows(CompletionException.class,
                () -> login.admit(connect(auth)).toCompletableFuture().join(), auth);
        ConnectRefusedException refusal = assertInstanceOf(ConnectRefusedException.class, e.getCause());
        assertEquals("Invalid namespace", refusal.getMessage(), "what an unknown namespace answers");
        assertNull(refusal.data(), "nothing more than an unknown namespace says");
    }

    @Test
    void aLoginThatFindsTheVerifierFullIsRefusedNotQueued() throws Exception {
        AdminLogin busy = new AdminLogin("ops", hash(BCrypt.Version.VERSION_2B, "s3cret"), sessions, task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        });
        assertRefused(busy, "{\"username\":\"ops\",\"password\":\"s3cret\"}");
    }

    @Test
    void hashesOfEveryBcryptVersionMatchTheirPasswordOnly() {
        for (BCrypt.Version version : new BCrypt.Version[] {BCrypt.Version.VERSION_2A, BCrypt.Version.VERSION_2B,
            BCrypt.Version.VERSION_2Y}) {
            AdminLogin login = login(hash(version, "s3cret"));
            assertTrue(login.matches("ops", "s3cret"), version.toString());
            assertFalse(login.matches("ops", "S3cret"), version.toString());
            assertFalse(login.matches("Ops", "s3cret"), version.toString());
            assertFalse(login.matches("ops", "x".repeat(100)), "over 72 bytes: refused, not thrown");
        }
    }

    @Test
    void aHashWrittenByBcryptjsAsThePackagesServerChecksItMatches() {
        // node -e "console.log(require('bcryptjs').hashSync('s3cret', 4))" (bcryptjs 2.4.3, the package's own)
        AdminLogin login = login("$2a$04$L45JGN0n6mMzL6p5XkycMu2rHOJ5wALI4IkAodzXqKQbMPPaSrmum");
        assertTrue(login.matches("ops", "s3cret"));
        assertFalse(login.matches("ops", "s3cret "));
    }

    @Test
    void aGoodLoginOpensASessionThatLetsTheUiBackInWithoutThePassword() throws Exception {
        AdminLogin login = login(hash(BCrypt.Version.VERSION_2B, "s3cret"));
        AdminLogin.Admitted first = assertInstanceOf(AdminLogin.Admitted.class,
                admitted(login, "{\"username\":\"ops\",\"password\":\"s3cret\"}"));
        assertNotNull(first.newSessionId());
        AdminLogin.Admitted again = assertInstanceOf(AdminLogin.Admitted.class,
                admitted(login, "{\"sessionId\":\"" + first.newSessionId() + "\"}"));
        assertNull(again.newSessionId(), "the same session goes on");
        clock.addAndGet(AdminSessions.TTL.toNanos());
        assertRefused(login, "{\"sessionId\":\"" + first.newSessionId() + "\"}");
    }

    @Test
    void wrongOrMissingCredentialsGetTheUnknownNamespaceAnswer() throws Exception {
        AdminLogin login = login(hash(BCrypt.Version.VERSION_2A, "s3cret"));
        assertRefused(login, "{\"username\":\"ops\",\"password\":\"wrong\"}");
        assertRefused(login, "{\"username\":\"root\",\"password\":\"s3cret\"}");
        assertRefused(login, "{}");
        assertRefused(login, "{\"username\":\"ops\",\"password\":42}");
        assertRefused(login, "{\"sessionId\":\"made-up\"}");
    }

    @Test
    void theOldestSessionsGoFirstBeyondTheMaximum() {
        String first = sessions.open();
        for (int i = 1; i < AdminSessions.MAX; i++) {
            sessions.open();
        }
        assertTrue(sessions.isValid(first));
        String next = sessions.open();
        assertFalse(sessions.isValid(first));
        assertTrue(sessions.isValid(next));
    }
}
