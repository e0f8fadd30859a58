package org.sessionserver.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two forms of a raw frame's {@code ts}, read from clients and written back in their form. */
class FrameTimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"1704067200000", "0", "253402300799999"})
    void epochMillisAreNumbers(String ts) throws Exception {
        assertEquals(FrameTime.EPOCH_MILLIS, FrameTime.of(JSON.readTree(ts)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2025-10-16T12:00:00Z\"", "\"2025-10-28T22:45:00.000Z\"",
            "\"2025-10-16T14:00:00.123456789+02:00\"", "null"})
    void isoInstantsWithZOrAnOffsetAndNoTsAtAll(String ts) throws Exception {
        assertEquals(FrameTime.ISO_8601, FrameTime.of(JSON.readTree(ts)));
        assertEquals(FrameTime.ISO_8601, FrameTime.of(null));
        assertEquals(FrameTime.ISO_8601, FrameTime.of(JSON.missingNode()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "253402300800000", "99999999999999999999", "\"1704067200000\"",
            "\"2025-10-16T12:00:00\"", "\"2025-10-16\"", "\"yesterday\"", "true", "{}", "[]"})
    void anythingElseIsRefused(String ts) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameTime.of(JSON.readTree(ts)));
        assertEquals("must be " + FrameTime.RULE, e.getMessage());
    }

    @Test
    void theServerWritesTheClientsForm() {
        Instant time = Instant.parse("2024-01-01T00:00:00.123Z");
        assertEquals(JSON.getNodeFactory().numberNode(1704067200123L), FrameTime.EPOCH_MILLIS.format(time));
        assertEquals(JSON.getNodeFactory().textNode("2024-01-01T00:00:00.123Z"), FrameTime.ISO_8601.format(time));
    }

    @Test
    void framesCarryTheTsAndTheHelloAckItsSessionId() throws Exception {
        var frame = JSON.readTree(RawFrames.frame("hello_ack", JSON.getNodeFactory().textNode("h1"), "sess_001",
                JSON.createObjectNode().put("sessionId", "ws_1"), FrameTime.EPOCH_MILLIS));
        assertEquals("hello_ack", frame.get("type").asText());
        assertEquals("h1", frame.get("request_id").asText());
        assertEquals("sess_001", frame.get("session_id").asText());
        assertEquals("ws_1", frame.get("payload").get("sessionId").asText());
        assertEquals(true, frame.get("ts").isIntegralNumber());
        var plain = JSON.readTree(RawFrames.frame("pong", null, null, FrameTime.ISO_8601));
        assertEquals(false, plain.has("session_id") || plain.has("request_id") || plain.has("payload"));
        Instant.parse(plain.get("ts").asText());
    }
}
