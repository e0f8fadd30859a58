package org.sessionserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenAuthenticatorTest {
    private final Authenticator auth = new TokenAuthenticator();

    @ParameterizedTest
    @ValueSource(strings = {"a", "participant-123", "alice@example.com", "urn:user:42", "A.b_C-d"})
    void aPlainIdIsTheParticipant(String token) throws AuthenticationException {
        assertEquals(token, auth.authenticate(token));
    }

    @Test
    void acceptsTheLongestId() throws AuthenticationException {
        assertEquals("x".repeat(128), auth.authenticate("x".repeat(128)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "alice smith", "a/b", "<script>", "naïve", "a\nb"})
    void refusesAnythingElse(String token) {
        assertThrows(AuthenticationException.class, () -> auth.authenticate(token));
    }

    @Test
    void refusesNullAndTooLong() {
        assertThrows(AuthenticationException.class, () -> auth.authenticate(null));
        assertThrows(AuthenticationException.class, () -> auth.authenticate("x".repeat(129)));
    }
}
