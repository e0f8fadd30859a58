package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/** AUTH_MODE=keys: API_KEYS maps each key to a participant. */
class AuthKeysModeIT {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("AUTH_MODE", "keys", "API_KEYS", "k1=alice,k2=bob");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachKeyMapsToItsParticipant() {
        try (SioClient alice = SioClient.to(server).token("k1").connect();
             SioClient bob = SioClient.to(server).polling().header("Authorization", "Bearer k2").connect()) {
            assertEquals("alice", alice.session().optString("participantId"));
            assertEquals("bob", bob.session().optString("participantId"));
        }
    }

    @Test
    void unknownKeyIsRefused() {
        for (String key : new String[] {"k3", "alice", "K1", "k1 "}) {
            assertEquals(TestServer.json(AuthTokenModeIT.UNAUTHORIZED),
                    TestServer.json(SioClient.to(server).token(key).refused().toString()), "key " + key);
        }
    }
}
