package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class EventEnvelopeTest {
    @Test
    void aNamedClientEventTravelsWithItsNamePayloadAndRequestId() throws Exception {
        EventEnvelope named = EventEnvelope.named("tool_result", BusJson.MAPPER.readTree("{\"v\":[1,null]}"),
                TextNode.valueOf("r-1"), "p", "s", "c", "n", "2026-12-03T00:00:00Z");
        String json = named.toJson();
        assertEquals("{\"name\":\"tool_result\",\"payload\":{\"v\":[1,null]},\"requestId\":\"r-1\",\"participantId\":\"p\","
                + "\"sessionId\":\"s\",\"channelId\":\"c\",\"nodeId\":\"n\",\"receivedAt\":\"2026-12-03T00:00:00Z\"}", json);
        EventEnvelope read = EventEnvelope.fromJson(json);
        assertTrue(read.isNamed());
        assertEquals(named, read);
    }

    @Test
    void aMessageEventKeepsItsWireForm() throws Exception {
        EventEnvelope event = new EventEnvelope(BusJson.MAPPER.readTree("{\"id\":\"e\"}"), "p", "s", "c", "n", "t");
        assertEquals("{\"event\":{\"id\":\"e\"},\"participantId\":\"p\",\"sessionId\":\"s\",\"channelId\":\"c\","
                + "\"nodeId\":\"n\",\"receivedAt\":\"t\"}", event.toJson());
        assertFalse(EventEnvelope.fromJson(event.toJson()).isNamed());
        assertEquals(event, EventEnvelope.fromJson(event.toJson()));
    }
}
