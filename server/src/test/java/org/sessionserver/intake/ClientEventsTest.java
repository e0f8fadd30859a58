package org.sessionserver.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientEventsTest {
    @Test
    void byDefaultOnlyMessageEventsReachTheEngine() {
        ClientEvents events = ClientEvents.of(ClientEvents.DEFAULT);
        assertFalse(events.allows("agent_invoke"));
        assertEquals("message", events.withOthers("message"));
    }

    @Test
    void listedNamesAreAllowedAndNoOthers() {
        ClientEvents events = ClientEvents.of(List.of("message", "agent_invoke", "tool_result"));
        assertTrue(events.allows("agent_invoke") && events.allows("tool_result"));
        assertFalse(events.allows("cancel_run"));
        assertEquals("hello, agent_invoke, tool_result", events.withOthers("hello"));
    }

    @Test
    void aStarAllowsAnyNameThatNeitherProtocolReserves() {
        ClientEvents events = ClientEvents.of(List.of("*"));
        assertTrue(events.allows("register") && events.allows("heartbeat") && events.allows("status"));
        for (String reserved : List.of("connect", "disconnect", "session", "error", "hello", "ack", "response")) {
            assertFalse(events.allows(reserved), reserved);
        }
        assertFalse(events.allows("a b"), "not a name");
    }

    @Test
    void aReservedOrMalformedNameCannotBeListed() {
        for (String bad : List.of("connect", "hello_ack", "ping", "request", "a b", "")) {
            assertThrows(IllegalArgumentException.class, () -> ClientEvents.of(List.of(bad)), bad);
        }
    }
}
