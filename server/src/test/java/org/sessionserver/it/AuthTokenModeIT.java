package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** AUTH_MODE=token (the default): where the token comes from, and what a refusal looks like and prevents. */
class AuthTokenModeIT {
    static final String UNAUTHORIZED = "{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertUnauthorized(JSONObject connectError) {
        assertEquals(TestServer.json(UNAUTHORIZED), TestServer.json(connectError.toString()),
                "connect_error payload");
    }

    @Test
    void tokenFromAuthPayloadIsTheParticipantId() {
        try (SioClient client = SioClient.to(server).token("alice.auth").connect()) {
            assertEquals("alice.auth", client.session().optString("participantId"));
        }
    }

    @Test
    void tokenFromQueryParameterIsTheParticipantId() {
        try (SioClient client = SioClient.to(server).query("token=bob.query").connect()) {
            assertEquals("bob.query", client.session().optString("participantId"));
        }
    }

    @Test
    void tokenFromBearerHeaderOverWebSocket() {
        try (SioClient client = SioClient.to(server).websocket()
                .header("Authorization", "Bearer carol.ws").connect()) {
            assertEquals("carol.ws", client.session().optString("participantId"));
        }
    }

    @Test
    void tokenFromBearerHeaderOverPolling() {
        try (SioClient client = SioClient.to(server).polling()
                .header("Authorization", "Bearer carol.polling").connect()) {
            assertEquals("carol.polling", client.session().optString("participantId"));
        }
    }

    @Test
    void authPayloadTokenWinsOverQueryAndHeader() {
        try (SioClient client = SioClient.to(server).token("first").query("token=second")
                .header("Authorization", "Bearer third").connect()) {
            assertEquals("first", client.session().optString("participantId"));
        }
    }

    @Test
    void missingTokenIsRefusedAsUnauthorized() {
        assertUnauthorized(SioClient.to(server).refused());
        assertUnauthorized(SioClient.to(server).polling().refused());
    }

    @Test
    void emptyTokenIsRefusedAsUnauthorized() {
        assertUnauthorized(SioClient.to(server).token("").refused());
        assertUnauthorized(SioClient.to(server).query("token=").refused());
        assertUnauthorized(SioClient.to(server).header("Authorization", "Bearer ").refused());
    }

    @Test
    void invalidTokenIsRefusedAsUnauthorized() {
        for (String token : List.of("has space", "semi;colon", "x".repeat(129), "émile")) {
            assertUnauthorized(SioClient.to(server).token(token).refused());
        }
    }

    @Test
    void refusalIsExactlyTheDocumentedConnectErrorPacket() {
        EioPolling.Session raw = new EioPolling(server.url()).open();
        assertEquals(200, raw.push("40{\"token\":\"\"}"));
        assertEquals("44" + UNAUTHORIZED, raw.next());
    }

    /**
     * A client refused at CONNECT sends an event on the same Engine.IO session anyway; then it connects properly and
     * sends another. Packets of one session are handled in order, so once the second is acked the first has been
     * handled too: only the second may have reached the intake (metric) or the engine (echo).
     */
    @Test
    void refusedClientsEventsNeverReachTheEngine() {
        String participant = "mallory";
        double acceptedBefore = server.metric("sessions_events_total", "result=\"accepted\"");
        double invalidBefore = server.metric("sessions_events_total", "result=\"invalid_event\"");
        double forbiddenBefore = server.metric("sessions_events_total", "result=\"forbidden_source\"");

        EioPolling.Session raw = new EioPolling(server.url()).open();
        assertEquals(200, raw.push("40{\"token\":\"bad token\"}"));
        assertEquals("44" + UNAUTHORIZED, raw.next());
        assertEquals(200, raw.push("42[\"message\"," + Events.validJson("evt_refused", participant) + "]",
                "421[\"message\"," + Events.validJson("evt_refused_ack", participant) + "]"));

        assertEquals(200, raw.push("40{\"token\":\"" + participant + "\"}"));
        List<String> connected = raw.until(p -> p.startsWith("42[\"session\""));
        assertTrue(connected.get(0).startsWith("40{\"sid\":"), "CONNECT reply: " + connected);
        assertEquals(200, raw.push("422[\"message\"," + Events.validJson("evt_after", participant) + "]"));
        List<String> packets = raw.until(p -> p.startsWith("42[\"message\"") || p.startsWith("432"));
        packets.addAll(raw.until(p -> p.startsWith("42[\"message\"") || p.startsWith("432")));

        String all = String.join("\n", packets);
        assertFalse(all.contains("evt_refused"), "an event of the refused client came back: " + all);
        assertTrue(packets.contains("432[{\"ok\":true,\"id\":\"evt_after\"}]"), all);
        // by packet, not by substring: a timestamp may hold "431" (it did: receivedAt ...16.843123669Z)
        assertTrue(packets.stream().noneMatch(p -> p.startsWith("431")), "the refused client's ack was answered: "
                + all);
        assertEquals(acceptedBefore + 1, server.metric("sessions_events_total", "result=\"accepted\""),
                "accepted events");
        assertEquals(invalidBefore, server.metric("sessions_events_total", "result=\"invalid_event\""));
        assertEquals(forbiddenBefore, server.metric("sessions_events_total", "result=\"forbidden_source\""));
    }

    @Test
    void refusedJavaClientGetsNoMessageBack() {
        try (SioClient refused = SioClient.to(server).token("bad token").open()) {
            refused.await("connect_error");
            refused.emit("message", Events.valid("evt_nope", "bad token"));
            assertFalse(refused.connected());
            refused.assertNone("message", Duration.ofMillis(300));
        }
    }
}
