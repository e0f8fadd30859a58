package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.LifecycleEnvelope;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.testing.StandaloneRedis;

/**
 * {@code ENGINE_LIFECYCLE} on two nodes over Redis, read by an engine of the test's own: Socket.IO and raw sessions
 * opening and closing on either node are each told once, the participant comes online once before its first session
 * and goes offline once after its last, and a session's events come between its opening and its closing. (A node
 * killed with SIGKILL: {@link NodeCrashIT}.)
 */
class LifecycleIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static Cluster cluster;
    private static EngineClient engine;
    /** What the engine read, in order: "kind sessionId" for lifecycle envelopes, "event sessionId" for events. */
    private static final BlockingQueue<String> told = new LinkedBlockingQueue<>();
    private static final List<LifecycleEnvelope> envelopes = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = Cluster.startOver(2, StandaloneRedis.start(), Map.of("ENGINE_LIFECYCLE", "true"));
        engine = cluster.engine("lifecycle-test", "reader");
        engine.onLifecycle(envelope -> {
            synchronized (envelopes) {
                envelopes.add(envelope);
            }
            told.add(envelope.kind().wire() + " " + envelope.sessionId());
            if (envelope.kind() == LifecycleEnvelope.Kind.SESSION_OPENED
                    && envelope.participantId().startsWith("welcomed")) {
                engine.publishMessage("{\"to\":[{\"participantId\":\"" + envelope.participantId()
                        + "\",\"sessionId\":\"" + envelope.sessionId() + "\"}],\"data\":{\"welcome\":true}}");
            }
        });
        engine.onEvent(event -> told.add("event " + event.sessionId()));
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

    /** Each test reads what it caused: the previous test waited until nothing more came. */
    @BeforeEach
    void forgetEarlierTests() {
        synchronized (envelopes) {
            envelopes.clear();
        }
        told.clear();
    }

    @Test
    void sessionsOnTwoNodesAreToldOnceBetweenOneOnlineAndOneOffline() throws Exception {
        ClusterClient socketIo = ClusterClient.connect(cluster.port(1), "lina");
        assertEquals(List.of("participant.online " + socketIo.sessionId(), "session.opened " + socketIo.sessionId()),
                next(2));
        RawAgent raw = RawAgent.connect(cluster.port(2), "lina");
        assertEquals(List.of("session.opened " + raw.sessionId()), next(1), "online only once");

        socketIo.send(Cluster.event("life-1", "lina"));
        assertEquals(List.of("event " + socketIo.sessionId()), next(1));
        socketIo.close();
        assertEquals(List.of("session.closed " + socketIo.sessionId()), next(1), "lina is still online on n2");
        raw.close();
        assertEquals(List.of("session.closed " + raw.sessionId(), "participant.offline " + raw.sessionId()), next(2));
        assertNull(told.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS), "nothing told twice");

        synchronized (envelopes) {
            LifecycleEnvelope online = envelopes.get(0);
            assertEquals("lina", online.participantId());
            assertEquals("n1", online.nodeId());
            assertEquals(socketIo.session().getString("channelId"), online.channelId());
            assertNotNull(Instant.parse(online.at()));
            assertNull(online.reason());
            LifecycleEnvelope rawOpened = envelopes.get(2);
            assertEquals("n2", rawOpened.nodeId());
            assertEquals("raw", rawOpened.transport());
            LifecycleEnvelope offline = envelopes.get(envelopes.size() - 1);
            assertNotNull(offline.reason(), "a closing says why");
            assertEquals(envelopes.get(envelopes.size() - 2).reason(), offline.reason());
        }
    }

    @Test
    void aNodeThatStopsTellsItsSessionsClosedBeforeItLeaves() throws Exception {
        ClusterClient socketIo = ClusterClient.connect(cluster.port(2), "omar");
        RawAgent raw = RawAgent.connect(cluster.port(2), "omar");
        assertEquals(List.of("participant.online " + socketIo.sessionId(), "session.opened " + socketIo.sessionId(),
                "session.opened " + raw.sessionId()), next(3));
        try {
            cluster.restart(2); // drains and stops n2, then starts a new n2
            List<String> closing = next(3);
            assertEquals(java.util.Set.of("session.closed " + socketIo.sessionId(), "session.closed " + raw.sessionId()),
                    java.util.Set.copyOf(closing.subList(0, 2)));
            assertEquals(true, closing.get(2).startsWith("participant.offline "), closing.toString());
            assertNull(told.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS), "nothing told twice");
        } finally {
            socketIo.close();
            raw.close();
        }
    }

    /** An engine that answers session.opened at once reaches the session: it is routable before it is told. */
    @Test
    void anEngineThatAnswersSessionOpenedReachesTheSession() throws Exception {
        for (int node = 1; node <= 2; node++) {
            try (RawAgent raw = RawAgent.connect(cluster.port(node), "welcomed-" + node)) {
                org.sessionserver.bus.testing.Wait.until(WAIT, () -> raw.received("welcome").contains("true"),
                        () -> "no welcome on " + raw.nodeId() + ": " + raw.frames);
            }
        }
        Thread.sleep(SETTLE.toMillis()); // the closings, so that the next test starts from nothing
    }

    private static List<String> next(int count) throws InterruptedException {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String item = told.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (item == null) {
                throw new AssertionError("told only " + items + " of " + count);
            }
            items.add(item);
        }
        return items;
    }
}
