package org.sessionserver.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * The admin UI's protocol ({@code @socket.io/admin-ui} {@code lib/index.ts}) at the wire, on one node: the login and
 * its refusal (the same answer as an unknown namespace), what a new admin socket is sent, the live feed, the actions
 * mapped onto ours, read-only mode, and admin sockets kept apart from sessions.
 */
class AdminUiIT {
    private static final String ENGINE_KEY = "it-engine-key-0123456789";
    private static final String UNKNOWN = "{\"message\":\"Invalid namespace\"}";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(AdminWire.env("NODE_ID", "admin-node", "ENGINE_KEY", ENGINE_KEY,
                "ADMIN_EVENTS", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withoutTheCredentialsTheAdminNamespaceAnswersAsAnUnknownOne() {
        assertEquals("44/nope," + UNKNOWN, AdminWire.connect(server, "/nope", "{}"));
        assertEquals("44/admin," + UNKNOWN, AdminWire.connect(server, "/admin", "{}"));
        assertEquals("44/admin," + UNKNOWN,
                AdminWire.connect(server, "/admin", "{\"username\":\"ops\",\"password\":\"wrong\"}"));
        assertEquals("44/admin," + UNKNOWN, AdminWire.connect(server, "/admin",
                "{\"username\":\"root\",\"password\":\"" + AdminWire.PASSWORD + "\"}"));
        assertEquals("44/admin," + UNKNOWN, AdminWire.connect(server, "/admin", "{\"sessionId\":\"guessed\"}"));
        try (TestServer off = TestServer.start()) {
            assertEquals("44/admin," + UNKNOWN, AdminWire.connect(off, "/admin", "{\"username\":\"ops\",\"password\":\""
                    + AdminWire.PASSWORD + "\"}"), "ADMIN_UI is off by default");
        }
    }

    @Test
    void aLoginGetsItsSessionTheConfigThisServerAndEverySocket() {
        try (SioClient alice = SioClient.to(server).token("alice").connect()) {
            AdminWire admin = AdminWire.login(server);
            String sessionId = admin.next("session").path(1).asText();
            assertFalse(sessionId.isEmpty());
            assertEquals(TestServer.json("[\"config\",{\"supportedFeatures\":[\"DISCONNECT\",\"JOIN\",\"LEAVE\","
                    + "\"MJOIN\",\"MLEAVE\",\"MDISCONNECT\",\"ALL_EVENTS\"]}]"), admin.next("config"));
            JsonNode stats = admin.next("server_stats").path(1);
            assertEquals("admin-node", stats.path("serverId").asText(), stats.toString());
            assertEquals(ProcessHandle.current().pid(), stats.path("pid").asLong());
            assertTrue(stats.path("clientsCount").asInt() >= 2, "alice and the admin: " + stats);
            JsonNode sockets = admin.next("all_sockets").path(1);
            JsonNode socket = find(sockets, alice.sessionId());
            assertEquals("/", socket.path("nsp").asText());
            assertEquals("websocket", socket.path("transport").asText());
            assertEquals("alice", socket.path("data").path("participantId").asText());
            assertEquals("admin-node", socket.path("data").path("nodeId").asText());
            assertEquals(alice.session().optString("channelId").substring(0, 12), socket.path("clientId").asText());
            assertEquals(TestServer.json("[\"" + alice.sessionId() + "\"]"), socket.path("rooms"));

            AdminWire back = AdminWire.loginWith(server, "{\"sessionId\":\"" + sessionId + "\"}");
            assertEquals("config", back.next("config", args -> true).path(0).asText(),
                    "the session id lets the UI back in; no new session");
        }
    }

    @Test
    void theFeedTellsOfSocketsRoomsAndEventsAndTheActionsActOnSessionsAndTopics() {
        AdminWire admin = AdminWire.login(server);
        admin.next("all_sockets");
        try (SioClient bob = SioClient.to(server).token("bob").connect()) {
            bob.record(Socket.EVENT_DISCONNECT);
            JsonNode connected = admin.next("socket_connected",
                    args -> args.path(1).path("id").asText().equals(bob.sessionId())).path(1);
            assertEquals("bob", connected.path("data").path("participantId").asText());

            assertTrue(bob.send(Events.valid("evt_admin_1", "bob")).path("ok").asBoolean());
            JsonNode received = admin.next("event_received", args -> args.path(2).asText().equals(bob.sessionId()));
            assertEquals("/", received.path(1).asText());
            assertEquals("message", received.path(3).path(0).asText());
            assertEquals("evt_admin_1", received.path(3).path(1).path("id").asText());

            admin.emit("join", "\"/\",\"lobby\",\"" + bob.sessionId() + "\"");
            JsonNode joined = admin.next("room_joined", args -> args.path(3).asText().equals(bob.sessionId()));
            assertEquals(TestServer.json("[\"room_joined\",\"/\",\"lobby\",\"" + bob.sessionId() + "\"]"),
                    withoutTimestamp(joined));
            JsonNode members = TestServer.json(server.get("/topics/lobby", ENGINE_KEY).body()).path("members");
            assertEquals("bob", members.path(0).path("participantId").asText(), members.toString());
            assertEquals(1, members.size(), members.toString());

            admin.emit("leave", "\"/\",\"lobby\",\"" + bob.sessionId() + "\"");
            admin.next("room_left", args -> args.path(2).asText().equals("lobby"));

            admin.emit("_disconnect", "\"/\",false,\"" + bob.sessionId() + "\"");
            bob.await(Socket.EVENT_DISCONNECT);
            JsonNode gone = admin.next("socket_disconnected", args -> args.path(2).asText().equals(bob.sessionId()));
            assertEquals("/", gone.path(1).asText());
        }
    }

    @Test
    void anUpgradeToWebSocketIsToldAndListed() {
        AdminWire admin = AdminWire.login(server);
        admin.next("all_sockets");
        try (SioClient dave = SioClient.to(server).token("dave").pollingThenUpgrade().connect()) {
            admin.next("socket_connected", args -> args.path(1).path("id").asText().equals(dave.sessionId()));
            JsonNode updated = admin.next("socket_updated",
                    args -> args.path(1).path("id").asText().equals(dave.sessionId())).path(1);
            assertEquals(TestServer.json("{\"id\":\"" + dave.sessionId() + "\",\"nsp\":\"/\","
                    + "\"transport\":\"websocket\"}"), updated);
            JsonNode listed = find(AdminWire.login(server).next("all_sockets").path(1), dave.sessionId());
            assertEquals("websocket", listed.path("transport").asText(), "listed with the transport in use");
        }
    }

    @Test
    void adminSocketsAreNoSessionsAndWhatTheySendReachesNoEngine() {
        AdminWire admin = AdminWire.login(server);
        admin.next("all_sockets");
        admin.emit("message", Events.validJson("evt_from_admin", "ops"));
        String connections = server.get("/connections", ENGINE_KEY).body();
        assertFalse(connections.contains("\"ops\""), connections);
        assertFalse(connections.contains(admin.session.sid()), connections);
        Await.until(() -> server.get("/health", null).body().contains("\"connections\":0"),
                () -> "no session counted: " + server.get("/health", null).body());
    }

    @Test
    void readOnlyTheUiMayLookButNotAct() {
        try (TestServer readOnly = TestServer.start(AdminWire.env("ADMIN_READONLY", "true"));
             SioClient carol = SioClient.to(readOnly).token("carol").connect()) {
            carol.record(Socket.EVENT_DISCONNECT);
            AdminWire admin = AdminWire.login(readOnly);
            assertEquals(TestServer.json("[\"config\",{\"supportedFeatures\":[]}]"), admin.next("config"));
            admin.next("all_sockets");
            admin.emit("_disconnect", "\"/\",true,\"" + carol.sessionId() + "\"");
            admin.emit("join", "\"/\",\"lobby\",\"" + carol.sessionId() + "\"");
            carol.assertNone(Socket.EVENT_DISCONNECT, Duration.ofMillis(500));
            assertTrue(carol.socket().connected());
        }
    }

    private static JsonNode withoutTimestamp(JsonNode args) {
        List<JsonNode> kept = new ArrayList<>();
        args.forEach(kept::add);
        return TestServer.JSON.valueToTree(kept.subList(0, kept.size() - 1));
    }

    private static JsonNode find(JsonNode sockets, String id) {
        for (JsonNode socket : sockets) {
            if (socket.path("id").asText().equals(id)) {
                return socket;
            }
        }
        throw new AssertionError("no socket " + id + " in " + sockets);
    }
}
