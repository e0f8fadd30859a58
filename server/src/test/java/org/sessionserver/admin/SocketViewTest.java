package org.sessionserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.SessionRecord;

/** Our sessions as the admin UI's sockets ({@code SerializedSocket} of {@code lib/typed-events.ts}). */
class SocketViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSessionIsASocketOfTheMainNamespaceWithItsParticipantNodeAndTopicsAsRooms() throws Exception {
        SessionRecord session = new SessionRecord("alice", "sess-1", "chan-0123456789abcdef", "n2", true, "websocket",
                "2026-12-03T17:00:00Z");
        JsonNode expected = JSON.readTree("""
                {"id":"sess-1","clientId":"chan-0123456","transport":"websocket","nsp":"/",
                 "data":{"participantId":"alice","sessionId":"sess-1","nodeId":"n2","proxy":true},
                 "handshake":{"time":"2026-12-03T17:00:00Z","issued":1796317200000,"headers":{},"query":{}},
                 "rooms":["sess-1","lobby","team:red"]}""");
        assertEquals(expected, SocketView.of(session, Set.of("team:red", "lobby")));
    }

    @Test
    void anUpgradeIsToldAsTheNewTransportAndListedWithIt() throws Exception {
        SessionRecord polling = new SessionRecord("carol", "s3", "chan-3", "n1", false, "polling",
                "2026-12-03T17:00:00Z");
        assertEquals(JSON.readTree("{\"id\":\"s3\",\"nsp\":\"/\",\"transport\":\"websocket\"}"),
                SocketView.transportChange(polling, "websocket"));
        assertEquals("websocket", SocketView.of(polling, "websocket", Set.of()).path("transport").asText());
    }

    @Test
    void aRawSessionKeepsItsTransportAndAShortChannelIdItsLength() {
        SessionRecord raw = new SessionRecord("bob", "s2", "short", "n1", false, "raw", "not a time");
        JsonNode socket = SocketView.of(raw, List.of());
        assertEquals("raw", socket.path("transport").asText());
        assertEquals("short", socket.path("clientId").asText());
        assertEquals(0, socket.path("handshake").path("issued").asLong());
        assertEquals(JSON.createArrayNode().add("s2"), socket.path("rooms"));
    }
}
