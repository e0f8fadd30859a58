package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.Wait;
import org.sessionserver.it.support.HandWebSocket;
import org.sessionserver.it.support.TestServer;

/**
 * A node over Redis whose clients stop reading falls behind and stops reading its Redis subscriber: what an engine
 * publishes meanwhile waits in Redis (the engine's publish does not wait), and once the clients read again every
 * message arrives, in order, none lost.
 */
class BackpressureRedisIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CLIENTS = 4;
    private static final int MAX_MESSAGES = 400;
    private static final String PADDING = "x".repeat(200_000);
    private static final int MESSAGE_BYTES = PADDING.length();
    private static final long SETTLE_MS = 200;
    private static Cluster cluster;
    private static EngineClient engine;

    @BeforeAll
    static void start() {
        cluster = Cluster.startOver(1, StandaloneRedis.start(),
                Map.of("BACKLOG_LIMIT_BYTES", String.valueOf(256 * 1024)));
        engine = cluster.engine("test-engine", "e1");
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whileTheNodeIsBehindRedisHoldsTheEnginesMessagesAndNoneIsLost() throws Exception {
        List<HandWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(HandWebSocket.openWithReceiveBuffer(cluster.port(1), 16 * 1024, "/ws?token=sleepy"));
            }
            Wait.until(WAIT, () -> metric("sessions_connections") == CLIENTS, "the raw clients became sessions");

            // The engine publishes without waiting, far more than the kernel's socket buffers take: the node falls
            // behind, stops reading, and Redis holds the rest (its output-buffer limit raised past what is sent).
            cluster.redisCommands().configSet("client-output-buffer-limit", "pubsub 256mb 256mb 0");
            int published = 0;
            while (published < MAX_MESSAGES && !redisHoldsMessagesForTheNodeBehind()) {
                engine.publishMessage(message("m-" + published++)).toCompletableFuture().get();
            }
            assertTrue(metric("sessions_backlog_behind") == 1, "the node never fell behind (" + published + " sent)");
            assertTrue(cluster.backend.pubSubOutputBytes() > MESSAGE_BYTES,
                    "Redis holds no whole message for the node that is behind (" + published + " sent)");
            assertTrue(metric("sessions_disconnects_total", "reason=\"slow consumer\"") == 0,
                    "a client was dropped as a slow consumer");

            clients.forEach(client -> client.startReader(false));
            for (HandWebSocket client : clients) {
                for (int i = 0; i < published; i++) {
                    assertTrue(client.receivesText("\"m-" + i + ":", WAIT), "m-" + i + " never arrived");
                }
            }
            Wait.until(WAIT, () -> metric("sessions_backlog_behind") == 0, "the node caught up");
        } finally {
            clients.forEach(HandWebSocket::close);
        }
    }

    /**
     * Behind, and Redis holds more than one message, at two looks {@value #SETTLE_MS} ms apart. Redis writes a big
     * reply 64 KB per turn of its loop, so a message it is still writing to a node that reads shows in its buffer for
     * a moment; and until the kernel's socket buffers towards the clients are full, the node catches up and falls
     * behind again with every message, reading what Redis held each time it catches up.
     */
    private static boolean redisHoldsMessagesForTheNodeBehind() throws InterruptedException {
        for (int look = 0; look < 2; look++) {
            if (look > 0) {
                Thread.sleep(SETTLE_MS);
            }
            if (metric("sessions_backlog_behind") != 1 || cluster.backend.pubSubOutputBytes() <= MESSAGE_BYTES) {
                return false;
            }
        }
        return true;
    }

    private static String message(String marker) {
        return "{\"to\":[{\"participantId\":\"sleepy\"}],\"data\":{\"text\":\"" + marker + ":" + PADDING + "\"}}";
    }

    private static double metric(String name) {
        return metric(name, null);
    }

    private static double metric(String name, String label) {
        return TestServer.metric(Cluster.get(cluster.port(1), "/metrics", null).body(), name, label);
    }
}
