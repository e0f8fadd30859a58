package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LifecycleEnvelopeTest {
    private final SessionRecord session = new SessionRecord("p", "s", "c", "n", false, "polling",
            "2026-12-03T00:00:00Z");

    @Test
    void anOpeningHasNoReasonAndAClosingHasOne() throws Exception {
        LifecycleEnvelope online = LifecycleEnvelope.of(LifecycleEnvelope.Kind.PARTICIPANT_ONLINE, session, null, "t");
        assertEquals("{\"lifecycle\":\"participant.online\",\"participantId\":\"p\",\"sessionId\":\"s\","
                + "\"channelId\":\"c\",\"nodeId\":\"n\",\"transport\":\"polling\",\"at\":\"t\"}", online.toJson());
        LifecycleEnvelope closed = LifecycleEnvelope.of(LifecycleEnvelope.Kind.SESSION_CLOSED, session,
                LifecycleEnvelope.NODE_LOST, "t");
        assertEquals("{\"lifecycle\":\"session.closed\",\"participantId\":\"p\",\"sessionId\":\"s\","
                + "\"channelId\":\"c\",\"nodeId\":\"n\",\"transport\":\"polling\",\"reason\":\"node_lost\","
                + "\"at\":\"t\"}", closed.toJson());
        for (LifecycleEnvelope envelope : new LifecycleEnvelope[] {online, closed}) {
            assertTrue(LifecycleEnvelope.isLifecycle(BusJson.MAPPER.readTree(envelope.toJson())));
            assertEquals(envelope, LifecycleEnvelope.fromJson(BusJson.MAPPER.readTree(envelope.toJson())));
        }
    }

    @Test
    void anOpeningCarriesWhatTheClientSaidOfItselfAndNothingElseDoes() throws Exception {
        SessionRecord described = session.withClient("sess_001", BusJson.MAPPER.readTree("{\"app\":\"cli\"}"));
        LifecycleEnvelope opened = LifecycleEnvelope.of(LifecycleEnvelope.Kind.SESSION_OPENED, described, null, "t");
        assertTrue(opened.toJson().endsWith(",\"at\":\"t\",\"clientSessionId\":\"sess_001\","
                + "\"clientMeta\":{\"app\":\"cli\"}}"), opened.toJson());
        assertEquals(opened, LifecycleEnvelope.fromJson(BusJson.MAPPER.readTree(opened.toJson())));
        LifecycleEnvelope online = LifecycleEnvelope.of(LifecycleEnvelope.Kind.PARTICIPANT_ONLINE, described, null,
                "t");
        assertFalse(online.toJson().contains("client"), online.toJson());
    }

    @Test
    void eventEnvelopesAreNotLifecycleOnesAndUnknownKindsAreRefused() throws Exception {
        EventEnvelope event = new EventEnvelope(BusJson.MAPPER.readTree("{\"id\":\"e\"}"), "p", "s", "c", "n", "t");
        assertFalse(LifecycleEnvelope.isLifecycle(BusJson.MAPPER.readTree(event.toJson())));
        assertThrows(IllegalArgumentException.class,
                () -> LifecycleEnvelope.fromJson(BusJson.MAPPER.readTree("{\"lifecycle\":\"session.paused\"}")));
    }
}
