package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @Test
    void aNamedPushKeepsItsNameRequestIdAndData() {
        Message named = Message.parse("{\"name\":\"run_started\",\"requestId\":\"r1\",\"to\":[{\"topic\":\"t\"}],"
                + "\"data\":{ \"run\" : 1 }}");
        assertEquals(new Message.NamedPush("run_started", "\"r1\"", "{\"run\":1}"), named.push());
        assertEquals("7", Message.parse("{\"name\":\"d\",\"requestId\":7,\"to\":[{\"topic\":\"t\"}]}").push()
                .requestIdJson());
        assertEquals("null", Message.parse("{\"name\":\"d\",\"to\":[{\"topic\":\"t\"}]}").push().dataJson());
        assertNull(Message.parse("{\"to\":[{\"topic\":\"t\"}]}").push());
    }

    @Test
    void reservedOrMalformedNamesAreRefused() {
        for (String name : new String[] {"\"connect\"", "\"session\"", "\"error\"", "\"hello_ack\"", "\"response\"",
            "\"\"", "\"a b\"", "\"x\\\"y\"", "1", "{}"}) {
            String bad = "{\"name\":" + name + ",\"to\":[{\"topic\":\"t\"}]}";
            assertThrows(IllegalArgumentException.class, () -> Message.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Message.parse("{\"name\":\"d\",\"requestId\":{},\"to\":[{\"topic\":\"t\"}]}"));
        assertThrows(IllegalArgumentException.class,
                () -> Message.parse("{\"requestId\":\"r\",\"to\":[{\"topic\":\"t\"}]}"), "requestId alone");
    }
}
