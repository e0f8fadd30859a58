package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The directory entry's JSON: the client's own session id and meta travel with it, and are left out when absent. */
class SessionRecordTest {
    private static final String BEFORE_CLIENT_FIELDS = "{\"participantId\":\"alice\",\"sessionId\":\"s1\","
            + "\"channelId\":\"c1\",\"nodeId\":\"n1\",\"proxy\":false,\"transport\":\"raw\","
            + "\"connectedAt\":\"2025-10-28T22:45:00Z\"}";

    @Test
    void aRecordWithoutClientFieldsIsWrittenAsBefore() {
        SessionRecord plain = new SessionRecord("alice", "s1", "c1", "n1", false, "raw", "2025-10-28T22:45:00Z");
        assertEquals(BEFORE_CLIENT_FIELDS, plain.toJson());
        assertEquals(plain, SessionRecord.fromJson(BEFORE_CLIENT_FIELDS)); // entries of nodes not yet upgraded
    }

    @Test
    void clientFieldsSurviveTheRoundTrip() throws Exception {
        SessionRecord agent = new SessionRecord("alice", "s1", "c1", "n1", true, "raw", "2025-10-28T22:45:00Z",
                "sess_001", BusJson.MAPPER.readTree("{\"app\":\"web\",\"n\":[1,2.5,true]}"));
        String json = agent.toJson();
        assertEquals(agent, SessionRecord.fromJson(json));
        assertEquals("sess_001", BusJson.MAPPER.readTree(json).get("clientSessionId").asText());
    }

    @Test
    void aJsonNullMetaCountsAsNone() {
        SessionRecord record = SessionRecord.fromJson(BEFORE_CLIENT_FIELDS.replace("}", ",\"clientMeta\":null}"));
        assertNull(record.clientMeta());
        assertFalse(record.toJson().contains("clientMeta"));
    }
}
