package org.sessionserver.gateways;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.sessions.FrameTime;

/** Both forms of the raw {@code hello}: ours (fields in {@code payload}) and the seed gateways' (top-level fields). */
class RawHelloTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RawHello parse(String frame) throws Exception {
        return RawHello.parse(JSON.readTree(frame));
    }

    private static Refusal refused(String frame) {
        return assertThrows(Refusal.class, () -> parse(frame));
    }

    @Test
    void anIngressHelloWithTopLevelFields() throws Exception {
        RawHello hello = parse("{\"type\":\"hello\",\"ts\":1704067200000,\"api_key\":\"sk-xxx\","
                + "\"session_id\":\"sess_001\",\"client_meta\":{\"app\":\"web\",\"version\":\"1.2.0\"}}");
        assertEquals("sk-xxx", hello.credential());
        assertEquals("sess_001", hello.clientSessionId());
        assertEquals(JSON.readTree("{\"app\":\"web\",\"version\":\"1.2.0\"}"), hello.clientMeta());
        assertEquals(FrameTime.EPOCH_MILLIS, hello.time());
        assertFalse(hello.proxy());
    }

    @Test
    void aTopLevelTokenWithAnIsoTimestamp() throws Exception {
        RawHello hello = parse("{\"type\":\"hello\",\"token\":\"tun_8f3a2c\",\"timestamp\":\"2025-10-16T12:00:00Z\"}");
        assertEquals("tun_8f3a2c", hello.credential());
        assertNull(hello.clientSessionId());
        assertNull(hello.clientMeta());
        assertEquals(FrameTime.ISO_8601, hello.time());
    }

    @Test
    void ourOwnFormStillWorks() throws Exception {
        RawHello hello = parse("{\"type\":\"hello\",\"request_id\":\"h1\",\"payload\":{\"token\":\"alice\","
                + "\"proxy\":true,\"client_meta\":{\"client\":\"node-raw-sample\"}}}");
        assertEquals("alice", hello.credential());
        assertTrue(hello.proxy());
        assertEquals("node-raw-sample", hello.clientMeta().get("client").asText());
        assertEquals(FrameTime.ISO_8601, hello.time());
    }

    @Test
    void theSameCredentialTwiceIsOneAndNoneIsNull() throws Exception {
        assertEquals("k", parse("{\"type\":\"hello\",\"api_key\":\"k\",\"token\":\"k\",\"payload\":{\"token\":\"k\"}}")
                .credential());
        assertNull(parse("{\"type\":\"hello\"}").credential()); // refused as unauthorized by the authenticator
        assertNull(parse("{\"type\":\"hello\",\"api_key\":\"\",\"token\":null}").credential());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"api_key\":\"a\",\"token\":\"b\"}                 | api_key and token name different credentials",
        "{\"token\":\"a\",\"payload\":{\"token\":\"b\"}}       | token and payload.token name different credentials",
        "{\"api_key\":42}                                    | api_key must be a string",
        "{\"payload\":{\"token\":{}}}                         | payload.token must be a string",
        "{\"token\":\"a\",\"session_id\":7}                   | session_id must be a string of 1-256 chars",
        "{\"token\":\"a\",\"session_id\":\"\"}                | session_id must be a string of 1-256 chars",
        "{\"token\":\"a\",\"client_meta\":\"web\"}            | client_meta must be a JSON object",
        "{\"token\":\"a\",\"client_meta\":[1]}                | client_meta must be a JSON object",
        "{\"token\":\"a\",\"ts\":\"yesterday\"}               | ts must be epoch milliseconds or an ISO-8601 instant",
        "{\"token\":\"a\",\"timestamp\":-3}                   | timestamp must be epoch milliseconds or an ISO-8601",
    })
    void malformedFieldsAreNamed(String frame, String message) {
        Refusal refusal = refused(frame);
        assertEquals(ErrorCode.BAD_REQUEST, refusal.code());
        assertTrue(refusal.getMessage().startsWith(message), refusal.getMessage());
    }

    @Test
    void limits() throws Exception {
        String longId = "s".repeat(RawHello.MAX_SESSION_ID_CHARS);
        assertEquals(longId, parse("{\"token\":\"a\",\"session_id\":\"" + longId + "\"}").clientSessionId());
        refused("{\"token\":\"a\",\"session_id\":\"" + longId + "s\"}");
        String big = "{\"token\":\"a\",\"client_meta\":{\"x\":\"" + "m".repeat(RawHello.MAX_CLIENT_META_BYTES) + "\"}}";
        assertEquals(ErrorCode.TOO_LARGE, refused(big).code());
    }
}
