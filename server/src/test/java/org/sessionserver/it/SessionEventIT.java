package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** The {@code session} event a client gets on connect. */
class SessionEventIT {
    private static final String NODE_ID = "it-node-7";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("NODE_ID", NODE_ID);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sessionEventCarriesParticipantSessionChannelNodeAndProxy() {
        try (SioClient client = SioClient.to(server).token("dora").connect()) {
            JSONObject session = client.session();
            Set<String> fields = new HashSet<>();
            TestServer.json(session.toString()).fieldNames().forEachRemaining(fields::add);
            assertEquals(Set.of("participantId", "sessionId", "channelId", "nodeId", "proxy"), fields,
                    session.toString());
            assertEquals("dora", session.optString("participantId"));
            assertFalse(session.optString("sessionId").isEmpty(), session.toString());
            assertFalse(session.optString("channelId").isEmpty(), session.toString());
            assertEquals(NODE_ID, session.optString("nodeId"));
            assertEquals(Boolean.FALSE, session.opt("proxy"), "proxy is the JSON boolean false");
        }
    }

    /** The CONNECT reply and the session event go out in one write: over polling, in one answer to a waiting poll. */
    @Test
    void theConnectReplyAndTheSessionEventAnswerOnePoll() throws Exception {
        EioPolling eio = new EioPolling(server.url());
        String sid = eio.handshake();
        CompletableFuture<EioPolling.Response> pending = eio.pollAsync(sid);
        Thread.sleep(50); // the poll waits on the server before the CONNECT arrives
        eio.push(sid, "40{\"token\":\"dora\"}");
        List<String> packets = EioPolling.split(EioPolling.await(pending).body());
        assertEquals(2, packets.size(), "one answer for both: " + packets);
        assertTrue(packets.get(0).startsWith("40{\"sid\":"), packets.toString());
        assertTrue(packets.get(1).startsWith("42[\"session\","), packets.toString());
    }

    @Test
    void sessionAndChannelIdsAreUniqueAcrossManyConnections() {
        List<SioClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                SioClient.Builder builder = SioClient.to(server).token(i % 3 == 0 ? "same-participant" : "p" + i);
                clients.add((i % 2 == 0 ? builder.websocket() : builder.polling()).connect());
            }
            Set<String> sessionIds = new HashSet<>();
            Set<String> channelIds = new HashSet<>();
            for (SioClient client : clients) {
                assertTrue(sessionIds.add(client.sessionId()), "duplicate sessionId " + client.sessionId());
                assertTrue(channelIds.add(client.session().optString("channelId")),
                        "duplicate channelId " + client.session());
            }
        } finally {
            clients.forEach(SioClient::close);
        }
    }

    @Test
    void proxyModeViaAuthPayload() {
        try (SioClient client = SioClient.to(server).token("erin").auth("proxy", true).connect()) {
            assertEquals(Boolean.TRUE, client.session().opt("proxy"), client.session().toString());
        }
    }

    @Test
    void proxyModeViaHeader() {
        try (SioClient ws = SioClient.to(server).token("erin").header("x-proxy-message", "true").connect();
             SioClient polling = SioClient.to(server).polling().token("erin").header("x-proxy-message", "true")
                     .connect()) {
            assertEquals(Boolean.TRUE, ws.session().opt("proxy"), ws.session().toString());
            assertEquals(Boolean.TRUE, polling.session().opt("proxy"), polling.session().toString());
        }
    }

    @Test
    void notProxyUnlessAskedWithTrue() {
        try (SioClient falseFlag = SioClient.to(server).token("erin").auth("proxy", false)
                .header("x-proxy-message", "false").connect()) {
            assertEquals(Boolean.FALSE, falseFlag.session().opt("proxy"), falseFlag.session().toString());
        }
    }
}
