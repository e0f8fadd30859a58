package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {
    @Test
    void topicAndParticipantEntriesAndExclusionsAreParsed() {
        Message message = Message.parse("{\"to\":[{\"topic\":\"room.1\"},{\"participantId\":\"p\",\"sessionId\":\"s\"}],"
                + "\"exclude\":[{\"sessionId\":\"s9\"},{\"participantId\":\"q\"}]}");
        assertEquals(List.of(Address.topic("room.1"), new Address("p", "s", null)), message.to());
        assertEquals(List.of(new Exclusion(null, "s9"), new Exclusion("q", null)), message.exclude());
        assertTrue(message.hasTopic());
        SessionRecord s9 = new SessionRecord("p", "s9", "c", "n", false, "websocket", "t");
        assertTrue(message.excludes(s9));
        assertFalse(message.excludes(new SessionRecord("p", "s1", "c", "n", false, "websocket", "t")));
    }

    @Test
    void badEntriesAreRefusedWithAReason() {
        for (String bad : new String[] {
            "{\"to\":[{\"topic\":\"bad name\"}]}",
            "{\"to\":[{\"topic\":\"t\",\"participantId\":\"p\"}]}",
            "{\"to\":[{}]}",
            "{\"to\":[{\"topic\":\"t\"}],\"exclude\":{}}",
            "{\"to\":[{\"topic\":\"t\"}],\"exclude\":[{\"nodeId\":\"n\"}]}",
        }) {
            assertThrows(IllegalArgumentException.class, () -> Message.parse(bad), bad);
        }
    }
}
