package org.sessionserver.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.JwtTokens;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;

/**
 * JWT_PUBLIC_KEY_FILE (RSA) with JWT_PARTICIPANT_CLAIM=uid: the same rules on Socket.IO, raw {@code /ws} and
 * {@code POST /event}; an HS256 token signed with the public key as HMAC secret (algorithm confusion) and
 * {@code alg: none} are refused on each.
 */
class AuthPublicKeyIT {
    private static final String UNAUTHORIZED = "{\"message\":\"unauthorized\",\"data\":{\"code\":\"unauthorized\"}}";
    private static final RSAKey KEY = JwtTokens.rsa("file-key");
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY_FILE", JwtTokens.pemFile(dir, KEY).toString(),
                "JWT_PARTICIPANT_CLAIM", "uid");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String signed(String uid) {
        return JwtTokens.signed(KEY, JWSAlgorithm.RS512, JwtTokens.claims("ignored").claim("uid", uid).build());
    }

    private static String confused() {
        return JwtTokens.hmac(JWSAlgorithm.HS256, JwtTokens.pem(KEY).getBytes(StandardCharsets.US_ASCII),
                JwtTokens.claims("ignored").claim("uid", "mallory").build());
    }

    private static String algNone() {
        return JwtTokens.handMade("{\"alg\":\"none\"}", "{\"uid\":\"mallory\",\"exp\":"
                + (Instant.now().getEpochSecond() + 60) + "}", "");
    }

    private static String event(String participant) {
        return "{\"id\":\"evt_pk\",\"type\":\"t\",\"source\":{\"id\":\"" + participant + "\"},\"timestamp\":\""
                + Instant.now() + "\"}";
    }

    private static int rawClose(String token) throws Exception {
        try (HandWebSocket socket = HandWebSocket.open(server.port(), "/ws?token=" + token)) {
            HandWebSocket.Frame frame = socket.read(TestServer.WAIT);
            while (frame != null && frame.opcode() == HandWebSocket.TEXT) {
                frame = socket.read(TestServer.WAIT); // the error frame before the close
            }
            return frame == null ? -1 : frame.closeCode();
        }
    }

    @Test
    void theParticipantClaimOfAnRs512TokenIsTheParticipantEverywhere() throws Exception {
        try (SioClient client = SioClient.to(server).token(signed("agent-7")).connect()) {
            assertEquals("agent-7", client.session().optString("participantId"));
        }
        try (HandWebSocket socket = HandWebSocket.open(server.port(), "/ws?token=" + signed("agent-7"))) {
            assertEquals("agent-7", TestServer.json(socket.read(TestServer.WAIT).text()).path("payload")
                    .path("participantId").asText());
        }
        assertEquals(202, server.post("/event", event("agent-7"), signed("agent-7")).statusCode());
    }

    @Test
    void confusedAlgorithmAlgNoneAndAMissingClaimAreRefusedEverywhere() throws Exception {
        String noUid = JwtTokens.signed(KEY, JWSAlgorithm.RS256, JwtTokens.claims("alice").build());
        for (String token : new String[] {confused(), algNone(), noUid}) {
            assertEquals(TestServer.json(UNAUTHORIZED),
                    TestServer.json(SioClient.to(server).token(token).refused().toString()));
            assertEquals(1008, rawClose(token));
            assertEquals(401, server.post("/event", event("mallory"), token).statusCode());
        }
    }
}
