package org.sessionserver.intake;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.json.ServerJson;

class EventValidatorTest {
    private final EventValidator validator = new EventValidator(1024);

    private static ObjectNode event() throws Exception {
        return (ObjectNode) ServerJson.MAPPER.readTree("""
                {"id":"evt_1","type":"user.action","source":{"id":"p1"},
                 "timestamp":"2025-10-28T22:45:00.000Z","data":{}}""");
    }

    private ErrorCode refusal(JsonNode event) {
        return assertThrows(Refusal.class, () -> validator.check(event, "p1")).code();
    }

    @Test
    void acceptsTheDesignExample() throws Exception {
        assertDoesNotThrow(() -> validator.check(event(), "p1"));
    }

    @ParameterizedTest
    @CsvSource({"id,''", "type,''", "timestamp,yesterday", "timestamp,2025-10-28", "thredId,7"})
    void refusesBadFields(String field, String value) throws Exception {
        ObjectNode event = event();
        if ("thredId".equals(field)) {
            event.put(field, Integer.parseInt(value));
        } else {
            event.put(field, value);
        }
        assertEquals(ErrorCode.INVALID_EVENT, refusal(event));
    }

    @Test
    void refusesMissingIdAndNonObjects() throws Exception {
        ObjectNode event = event();
        event.remove("id");
        assertEquals(ErrorCode.INVALID_EVENT, refusal(event));
        assertEquals(ErrorCode.INVALID_EVENT, refusal(ServerJson.MAPPER.readTree("[1]")));
        assertEquals(ErrorCode.INVALID_EVENT, refusal(null));
    }

    @Test
    void refusesOverlongId() throws Exception {
        assertEquals(ErrorCode.INVALID_EVENT, refusal(event().put("id", "x".repeat(257))));
        assertDoesNotThrow(() -> validator.check(event().put("id", "x".repeat(256)), "p1"));
    }

    @Test
    void refusesSomeoneElsesSource() throws Exception {
        ObjectNode event = event();
        event.putObject("source").put("id", "p2");
        assertEquals(ErrorCode.FORBIDDEN_SOURCE, refusal(event));
    }

    @Test
    void refusesJustOverTheSizeLimit() throws Exception {
        ObjectNode event = event();
        int base = EventValidator.size(event);
        event.put("pad", "");
        int room = 1024 - EventValidator.size(event);
        event.put("pad", "x".repeat(room));
        assertEquals(1024, EventValidator.size(event));
        assertDoesNotThrow(() -> validator.check(event, "p1"));
        event.put("pad", "x".repeat(room + 1));
        assertEquals(ErrorCode.TOO_LARGE, refusal(event));
        assertEquals(true, base < 1024);
    }

    @Test
    void rateLimiterAllowsBurstThenRefuses() {
        RateLimiter limiter = new RateLimiter(0.001, 3);
        assertEquals(true, limiter.tryAcquire());
        assertEquals(true, limiter.tryAcquire());
        assertEquals(true, limiter.tryAcquire());
        assertEquals(false, limiter.tryAcquire());
    }
}
