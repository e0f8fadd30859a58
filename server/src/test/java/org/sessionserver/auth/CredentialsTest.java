package org.sessionserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode auth(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void authTokenComesFirstThenQueryThenHeader() throws Exception {
        assertEquals("a", Credentials.pick(auth("{\"token\":\"a\"}"), "q", "Bearer h"));
        assertEquals("q", Credentials.pick(auth("{}"), "q", "Bearer h"));
        assertEquals("h", Credentials.pick(auth("{}"), null, "Bearer h"));
        assertEquals("h", Credentials.pick(null, null, "Bearer h"));
        assertNull(Credentials.pick(null, null, null));
        assertNull(Credentials.pick(auth("{}"), "", ""));
    }

    @Test
    void aMissingEmptyOrNonTextAuthTokenFallsThrough() throws Exception {
        assertEquals("q", Credentials.pick(auth("{\"token\":\"\"}"), "q", null));
        assertEquals("q", Credentials.pick(auth("{\"token\":42}"), "q", null));
        assertEquals("q", Credentials.pick(auth("{\"token\":null}"), "q", null));
        assertEquals("q", Credentials.pick(auth("{\"token\":{\"x\":1}}"), "q", null));
        assertEquals("q", Credentials.pick(auth("[1,2]"), "q", null));
        assertEquals("q", Credentials.pick(auth("\"token\""), "q", null));
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        assertEquals("t", Credentials.bearerToken("Bearer t"));
        assertEquals("t", Credentials.bearerToken("bearer t"));
        assertEquals("t", Credentials.bearerToken("BEARER   t  "));
        assertEquals("eyJ.a.b", Credentials.bearerToken("Bearer eyJ.a.b"));
    }

    @Test
    void otherAuthorizationHeadersGiveNoToken() {
        assertNull(Credentials.bearerToken("Basic dXNlcjpwYXNz"));
        assertNull(Credentials.bearerToken("Bearer"));
        assertNull(Credentials.bearerToken("Bearer   "));
        assertNull(Credentials.bearerToken("Bearertoken"));
        assertNull(Credentials.bearerToken("token"));
        assertNull(Credentials.bearerToken(""));
    }

    @Test
    void proxyFlag() throws Exception {
        assertTrue(Credentials.proxyRequested(auth("{\"proxy\":true}"), null));
        assertTrue(Credentials.proxyRequested(null, "true"));
        assertTrue(Credentials.proxyRequested(auth("{}"), "TRUE"));
        assertTrue(Credentials.proxyRequested(auth("{\"proxy\":false}"), " True "));
        assertFalse(Credentials.proxyRequested(auth("{\"proxy\":\"true\"}"), null));
        assertFalse(Credentials.proxyRequested(auth("{\"proxy\":1}"), null));
        assertFalse(Credentials.proxyRequested(auth("{\"proxy\":false}"), "false"));
        assertFalse(Credentials.proxyRequested(auth("{}"), "1"));
        assertFalse(Credentials.proxyRequested(null, null));
    }
}
