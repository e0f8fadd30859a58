package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** Events over Socket.IO: the rules, the answers (ack or {@code error} event), and the embedded echo engine. */
class EventsAndEchoIT {
    private static final int MAX_MESSAGE_SIZE = 1024;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Asserts the ack {@code {"ok":false,"error":{"code":code,"message":"..."}}}. */
    private static void assertRefusedAck(String code, JsonNode ack) {
        assertEquals(Set.of("ok", "error"), fieldNames(ack), ack.toString());
        assertEquals(false, ack.get("ok").asBoolean(true), ack.toString());
        assertEquals(Set.of("code", "message"), fieldNames(ack.get("error")), ack.toString());
        assertEquals(code, ack.get("error").get("code").asText(), ack.toString());
        assertTrue(ack.get("error").get("message").isTextual()
                && !ack.get("error").get("message").asText().isEmpty(), ack.toString());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The connection is open and still takes events. */
    private static void assertStillWorks(SioClient client, String participant, String id) {
        assertTrue(client.connected(), "connection closed");
        assertEquals(TestServer.json("{\"ok\":true,\"id\":\"" + id + "\"}"),
                client.send(Events.valid(id, participant)));
    }

    /** A valid event whose compact JSON is exactly {@code bytes} long. */
    private static String eventOfSize(String id, String participant, int bytes) {
        ObjectNode event = (ObjectNode) TestServer.json(Events.validJson(id, participant));
        event.put("data", "");
        int base = event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        event.put("data", "x".repeat(bytes - base));
        assertEquals(bytes, event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        return event.toString();
    }

    @Test
    void eventsOtherThanMessageAreRefusedAsUnknownEventByAckOrErrorEvent() {
        try (SioClient client = SioClient.to(server).token("val-unknown").connect()) {
            assertRefusedAck("unknown_event", client.emitWithAck("tool_result", new JSONObject()));
            client.emit("session", "not for clients to send");
            JsonNode error = client.awaitNode("error");
            assertEquals("unknown_event", error.get("code").asText(), error.toString());
            assertStillWorks(client, "val-unknown", "evt_after_unknown");
        }
    }

    @Test
    void validEventIsAckedWithOkAndItsId() {
        try (SioClient client = SioClient.to(server).token("val-ok").connect()) {
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_1\"}"),
                    client.send(Events.valid("evt_1", "val-ok")));
        }
    }

    @Test
    void eventWithoutIdIsRefusedAsInvalidEvent() {
        try (SioClient client = SioClient.to(server).token("val-noid").connect()) {
            JSONObject event = Events.valid("x", "val-noid");
            event.remove("id");
            assertRefusedAck("invalid_event", client.send(event));
            assertStillWorks(client, "val-noid", "evt_after_noid");
        }
    }

    @Test
    void eventWithBadTimestampIsRefusedAsInvalidEvent() throws Exception {
        try (SioClient client = SioClient.to(server).token("val-ts").connect()) {
            for (Object timestamp : List.of("yesterday", "2025-10-28", "2025-10-28T22:45:00", 1730155500000L)) {
                JSONObject event = Events.valid("evt_ts", "val-ts");
                event.put("timestamp", timestamp);
                assertRefusedAck("invalid_event", client.send(event));
            }
            assertStillWorks(client, "val-ts", "evt_after_ts");
        }
    }

    @Test
    void eventThatIsNotAnObjectIsRefusedAsInvalidEvent() {
        try (SioClient client = SioClient.to(server).token("val-notobj").connect()) {
            assertRefusedAck("invalid_event", client.send("just a string"));
            assertRefusedAck("invalid_event", client.send(42));
            assertRefusedAck("invalid_event", client.send(new JSONArray(List.of(1, 2))));
            assertStillWorks(client, "val-notobj", "evt_after_notobj");
        }
    }

    @Test
    void idAndTypeMustBeNonEmptyStringsOfAtMost256Chars() throws Exception {
        try (SioClient client = SioClient.to(server).token("val-len").connect()) {
            String longest = "i".repeat(256);
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"" + longest + "\"}"),
                    client.send(Events.valid(longest, "val-len")));
            assertRefusedAck("invalid_event", client.send(Events.valid(longest + "i", "val-len")));
            assertRefusedAck("invalid_event", client.send(Events.valid("", "val-len")));
            JSONObject noType = Events.valid("evt_notype", "val-len");
            noType.remove("type");
            assertRefusedAck("invalid_event", client.send(noType));
            JSONObject numericId = Events.valid("x", "val-len");
            numericId.put("id", 7);
            assertRefusedAck("invalid_event", client.send(numericId));
            assertStillWorks(client, "val-len", "evt_after_len");
        }
    }

    @Test
    void eventFromAnotherSourceIsRefusedAsForbiddenSource() {
        try (SioClient client = SioClient.to(server).token("val-src").connect()) {
            assertRefusedAck("forbidden_source", client.send(Events.valid("evt_src", "someone-else")));
            assertStillWorks(client, "val-src", "evt_after_src");
        }
    }

    @Test
    void eventJustOverMaxMessageSizeIsRefusedAsTooLargeAndTheConnectionStaysOpen() {
        try (SioClient client = SioClient.to(server).token("val-size").polling().connect();
             SioClient ws = SioClient.to(server).token("val-size").websocket().connect()) {
            for (SioClient c : List.of(client, ws)) {
                assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_limit\"}"),
                        c.send(Events.object(eventOfSize("evt_limit", "val-size", MAX_MESSAGE_SIZE))));
                assertRefusedAck("too_large",
                        c.send(Events.object(eventOfSize("evt_big", "val-size", MAX_MESSAGE_SIZE + 1))));
                assertStillWorks(c, "val-size", "evt_after_big");
            }
        }
    }

    @Test
    void withoutAckARefusalArrivesAsErrorEventWithCodeMessageAndId() {
        try (SioClient client = SioClient.to(server).token("val-noack").connect()) {
            client.emit("message", Events.valid("evt_bad_src", "someone-else"));
            JsonNode error = client.awaitNode("error");
            assertEquals(Set.of("code", "message", "id"), fieldNames(error), error.toString());
            assertEquals("forbidden_source", error.get("code").asText());
            assertEquals("evt_bad_src", error.get("id").asText());
            assertTrue(error.get("message").isTextual() && !error.get("message").asText().isEmpty());

            JSONObject invalid = Events.valid("evt_bad_ts", "val-noack");
            invalid.remove("timestamp");
            client.emit("message", invalid);
            error = client.awaitNode("error");
            assertEquals("invalid_event", error.get("code").asText(), error.toString());
            assertEquals("evt_bad_ts", error.get("id").asText(), error.toString());
            assertStillWorks(client, "val-noack", "evt_after_noack");
        }
    }

    @Test
    void acceptedEventWithoutAckGetsNoErrorEvent() {
        try (SioClient client = SioClient.to(server).token("val-quiet").connect()) {
            client.emit("message", Events.valid("evt_quiet", "val-quiet"));
            client.await("message"); // the echo
            client.assertNone("error", Duration.ofMillis(200));
        }
    }

    @Test
    void echoEngineSendsTheEventBackToEveryConnectionOfTheParticipant() {
        String participant = "echo-p";
        try (SioClient sender = SioClient.to(server).token(participant).websocket().connect();
             SioClient polling = SioClient.to(server).token(participant).polling().connect();
             SioClient upgraded = SioClient.to(server).token(participant).pollingThenUpgrade().connect();
             SioClient stranger = SioClient.to(server).token("echo-stranger").connect()) {
            JSONObject event = Events.valid("evt_echo", participant);
            assertEquals(TestServer.json("{\"ok\":true,\"id\":\"evt_echo\"}"), sender.send(event));
            for (SioClient client : List.of(sender, polling, upgraded)) {
                JsonNode message = client.awaitNode("message");
                assertEquals(TestServer.json(event.toString()), message.get("event"), message.toString());
                assertEquals(TestServer.json("[{\"participantId\":\"" + participant + "\"}]"), message.get("to"),
                        message.toString());
                assertTrue(message.get("data").isObject(), message.toString());
                assertEquals(Set.of("event", "to", "data"), fieldNames(message), message.toString());
                client.assertNone("message", Duration.ofMillis(100));
            }
            stranger.assertNone("message", Duration.ofMillis(100));
        }
    }
}
