package org.sessionserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socket.client.Ack;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.JwksEndpoint;
import org.sessionserver.it.support.JwtTokens;
import org.sessionserver.it.support.SioClient;
import org.sessionserver.it.support.TestServer;
import reactor.blockhound.BlockHound;

/**
 * No handler blocks a Netty I/O thread: BlockHound, with Netty's own integration (found by ServiceLoader) marking the
 * event-loop threads non-blocking, records every blocking call made on one while a realistic scenario runs.
 * BlockHound stays installed for the rest of this JVM, but it only records (never throws), and only while this test
 * runs.
 */
class NonBlockingIoIT {
    private static final String ENGINE_KEY = "it-blockhound-engine-key";
    private static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();
    private static volatile boolean recording;

    static {
        BlockHound.install(builder -> builder
                .blockingMethodCallback(method -> {
            if (recording) {
                VIOLATIONS.add(Thread.currentThread().getName() + ": " + method + "\n\t"
                        + Arrays.stream(new Throwable().getStackTrace()).skip(1).limit(40)
                        .map(StackTraceElement::toString).collect(Collectors.joining("\n\t")));
            }
        }));
    }

    /** The canary: a sleep on a Netty event-loop thread is seen, so a clean run below means something. */
    private static void assertBlockHoundSeesEventLoopBlocking() throws Exception {
        io.netty.channel.DefaultEventLoopGroup loop = new io.netty.channel.DefaultEventLoopGroup(1);
        try {
            recording = true;
            loop.submit(() -> {
                Thread.sleep(1);
                return null;
            }).get();
        } finally {
            recording = false;
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        assertEquals(1, VIOLATIONS.size(), "BlockHound did not see a sleep on an event loop: " + VIOLATIONS);
        assertTrue(VIOLATIONS.peek().contains("sleep"), VIOLATIONS.peek());
        VIOLATIONS.clear();
    }

    @Test
    void noHandlerBlocksAnIoThread() throws Exception {
        assertBlockHoundSeesEventLoopBlocking();
        recording = true;
        try (TestServer server = TestServer.start("ENGINE_KEY", ENGINE_KEY, "MAX_MESSAGE_SIZE", "1024",
                "RATE_LIMIT_PER_SEC", "1", "RATE_LIMIT_BURST", "3")) {
            scenario(server);
        } finally {
            recording = false;
        }
        if (!VIOLATIONS.isEmpty()) {
            fail(VIOLATIONS.size() + " blocking call(s) on Netty I/O threads:\n" + String.join("\n\n", VIOLATIONS));
        }
    }

    /**
     * AUTH_MODE=jwt with JWKS_URL: cached keys, and unknown kids that make the Socket.IO, raw and HTTP endpoints start
     * a fetch and wait for it: the fetch must run off the event loops.
     */
    @Test
    void jwksAuthenticationNeverBlocksAnIoThread() throws Exception {
        assertBlockHoundSeesEventLoopBlocking();
        com.nimbusds.jose.jwk.RSAKey k1 = JwtTokens.rsa("bh-k1");
        com.nimbusds.jose.jwk.RSAKey k2 = JwtTokens.rsa("bh-k2");
        com.nimbusds.jose.jwk.RSAKey k3 = JwtTokens.rsa("bh-k3");
        com.nimbusds.jose.jwk.RSAKey k4 = JwtTokens.rsa("bh-k4");
        Duration interval = Duration.ofSeconds(1);
        try (JwksEndpoint endpoint = JwksEndpoint.start(List.of(k1));
             TestServer server = TestServer.start("AUTH_MODE", "jwt", "JWKS_URL", endpoint.url(),
                     "JWKS_REFETCH_INTERVAL_MS", Long.toString(interval.toMillis()))) {
            endpoint.awaitFetches(1);
            // A first connection unrecorded, as the other test's first one may be: RandomIds seeds its generator from
            // /dev/urandom once per JVM, at its first use (that one read is not this test's subject).
            SioClient.to(server).token(token(k1, "bh-warm")).websocket().connect().close();
            recording = true;
            try (SioClient cached = SioClient.to(server).token(token(k1, "bh-a")).websocket().connect()) {
                assertEquals("bh-a", cached.session().optString("participantId"));
            }
            endpoint.serve(List.of(k1, k2));
            endpoint.awaitQuietFor(interval);
            try (SioClient fetched = SioClient.to(server).token(token(k2, "bh-b")).polling().connect()) {
                assertEquals("bh-b", fetched.session().optString("participantId"));
            }
            endpoint.serve(List.of(k1, k2, k3));
            endpoint.awaitQuietFor(interval);
            try (HandWebSocket raw = HandWebSocket.open(server.port(), "/ws?token=" + token(k3, "bh-c"))) {
                assertTrue(raw.read(TestServer.WAIT).text().contains("hello_ack"));
            }
            endpoint.serve(List.of(k1, k2, k3, k4));
            endpoint.awaitQuietFor(interval);
            assertEquals(202, server.post("/event", Events.validJson("bh-jwks", "bh-d"), token(k4, "bh-d"))
                    .statusCode());
            assertEquals(4, endpoint.fetches());
        } finally {
            recording = false;
        }
        List<String> seen = List.copyOf(VIOLATIONS);
        VIOLATIONS.clear();
        if (!seen.isEmpty()) {
            fail(seen.size() + " blocking call(s) on Netty I/O threads:\n" + String.join("\n\n", seen));
        }
    }

    private static String token(com.nimbusds.jose.jwk.RSAKey key, String participant) {
        return JwtTokens.signed(key, com.nimbusds.jose.JWSAlgorithm.RS256, JwtTokens.claims(participant).build());
    }

    private static void scenario(TestServer server) {
        String p = "bh-p";
        try (SioClient ws = SioClient.to(server).token(p).websocket().connect();
             SioClient polling = SioClient.to(server).polling().header("Authorization", "Bearer " + p).connect();
             SioClient upgraded = SioClient.to(server).query("token=" + p).pollingThenUpgrade().connect();
             SioClient proxy = SioClient.to(server).token(p).auth("proxy", true).connect()) {
            SioClient.to(server).token("bad token").refused();
            SioClient.to(server).polling().refused();

            // events with an ack, accepted and refused; one without an ack, refused
            assertEquals(true, ws.send(Events.valid("bh1", p)).get("ok").asBoolean());
            assertEquals("invalid_event", polling.send("nope").path("error").path("code").asText());
            assertEquals("forbidden_source", upgraded.send(Events.valid("bh2", "other")).path("error").path("code")
                    .asText());
            JSONObject big = Events.valid("bh3", p);
            try {
                big.put("data", "x".repeat(2000));
            } catch (org.json.JSONException e) {
                throw new AssertionError(e);
            }
            assertEquals("too_large", proxy.send(big).path("error").path("code").asText());
            ws.emit("message", Events.valid("bh4", "other"));
            ws.awaitNode("error");
            ws.send(Events.valid("bh5", p));
            assertEquals("rate_limited", ws.send(Events.valid("bh6", p)).path("error").path("code").asText());
            polling.emit("message", Events.valid("bh7", p));
            for (SioClient client : List.of(ws, polling, upgraded, proxy)) {
                for (int i = 0; i < 3; i++) { // the echoes of bh1, bh5, bh7
                    client.await("message");
                }
            }

            // raw polling, refused then connected, on the same Engine.IO session
            EioPolling.Session raw = new EioPolling(server.url()).open();
            raw.push("40{\"token\":\"\"}");
            raw.next();
            raw.push("42[\"message\"," + Events.validJson("bh8", p) + "]", "40{\"token\":\"" + p + "\"}");
            raw.until(packet -> packet.startsWith("42[\"session\""));

            // the HTTP routes
            assertEquals(202, server.post("/event", Events.validJson("bh9", p), p).statusCode());
            assertEquals(403, server.post("/event", Events.validJson("bh10", "other"), p).statusCode());
            assertEquals(401, server.post("/event", Events.validJson("bh11", p), null).statusCode());
            assertEquals(202, server.post("/messages", "{\"event\":{},\"to\":[{\"participantId\":\"" + p
                    + "\",\"sessionId\":\"" + ws.sessionId() + "\"},{\"participantId\":\"" + p + "\"}],\"data\":{}}",
                    ENGINE_KEY).statusCode());
            assertEquals(400, server.post("/messages", "{}", ENGINE_KEY).statusCode());
            assertEquals(401, server.post("/messages", "{}", "wrong").statusCode());
            assertEquals(200, server.get("/health", null).statusCode());
            assertTrue(server.metrics().contains("sessions_events_total"));
            assertEquals(200, server.get("/connections", ENGINE_KEY).statusCode());
            assertEquals(404, server.get("/nowhere", null).statusCode());

            ws.socket().on("ask", args -> ((Ack) args[args.length - 1]).call("yes"));
            assertEquals(200, server.post("/participants/" + p + "/request", "{\"sessionId\":\"" + ws.sessionId()
                    + "\",\"event\":\"ask\",\"data\":1,\"timeoutMs\":3000}", ENGINE_KEY).statusCode());
            polling.socket().on("ask", args -> { });
            assertEquals(504, server.post("/participants/" + p + "/request", "{\"sessionId\":\""
                    + polling.sessionId() + "\",\"event\":\"ask\",\"timeoutMs\":200}", ENGINE_KEY).statusCode());
            assertEquals(404, server.post("/participants/nobody/request", "{\"event\":\"ask\"}", ENGINE_KEY)
                    .statusCode());
            upgraded.close();
            raw.push("41");
            ws.assertNone("never", Duration.ofMillis(1));
        }
    }
}
