package org.sessionserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {
    private final Authenticator auth = new ApiKeyAuthenticator(Map.of("key-a", "alice", "key-b", "bob"));

    @Test
    void aKnownKeyGivesItsParticipant() throws AuthenticationException {
        assertEquals("alice", auth.authenticate("key-a"));
        assertEquals("bob", auth.authenticate("key-b"));
    }

    @Test
    void refusesUnknownPartialAndMissingKeys() {
        for (String token : new String[] {"key-c", "key-", "key-aa", "KEY-A", "alice", "", "k".repeat(5000)}) {
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> auth.authenticate(token));
            assertFalse(!token.isEmpty() && e.getMessage().contains(token), e.getMessage());
        }
        assertThrows(AuthenticationException.class, () -> auth.authenticate(null));
    }

    @Test
    void refusesABadTable() {
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyAuthenticator(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyAuthenticator(Map.of("", "alice")));
        assertThrows(IllegalArgumentException.class, () -> new ApiKeyAuthenticator(Map.of("k", "not an id")));
    }
}
