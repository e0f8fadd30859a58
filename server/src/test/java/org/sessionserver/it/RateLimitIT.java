package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** RATE_LIMIT_PER_SEC=1, RATE_LIMIT_BURST=2: two quick events pass, the third is refused. */
class RateLimitIT {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("RATE_LIMIT_PER_SEC", "1", "RATE_LIMIT_BURST", "2");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thirdQuickEventOnAConnectionIsRefusedAsRateLimited() {
        try (SioClient client = SioClient.to(server).token("rl-sio").connect();
             SioClient other = SioClient.to(server).token("rl-sio").connect()) {
            assertEquals(true, client.send(Events.valid("e1", "rl-sio")).get("ok").asBoolean());
            assertEquals(true, client.send(Events.valid("e2", "rl-sio")).get("ok").asBoolean());
            JsonNode third = client.send(Events.valid("e3", "rl-sio"));
            assertEquals(false, third.get("ok").asBoolean(), third.toString());
            assertEquals("rate_limited", third.get("error").get("code").asText(), third.toString());
            assertTrue(client.connected(), "the connection stays open");
            // per connection: another connection of the same participant has its own budget
            assertEquals(true, other.send(Events.valid("e4", "rl-sio")).get("ok").asBoolean());
        }
    }

    @Test
    void postEventBeyondTheRateIsRefusedWith429() {
        String participant = "rl-http";
        assertEquals(202, server.post("/event", Events.validJson("h1", participant), participant).statusCode());
        assertEquals(202, server.post("/event", Events.validJson("h2", participant), participant).statusCode());
        HttpResponse<String> third = server.post("/event", Events.validJson("h3", participant), participant);
        assertEquals(429, third.statusCode(), third.body());
        JsonNode body = TestServer.json(third);
        assertEquals(false, body.get("ok").asBoolean(), third.body());
        assertEquals("rate_limited", body.get("error").get("code").asText(), third.body());
    }
}
