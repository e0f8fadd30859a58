package org.sessionserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * What every {@link EngineBus} promises, run against each twin (in memory and over Redis): an event handed to the bus
 * reaches the engine once, unchanged; a message reaches the node verbatim; one publisher's order holds; a malformed
 * message never reaches a receiver; lifecycle tellings reach the engine exactly once per session, in order, with
 * online and offline around a participant's first and last session.
 */
public abstract class EngineBusContract {
    protected static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a duplicate gets to show up before "exactly once" is asserted. */
    protected static final Duration SETTLE = Duration.ofMillis(300);

    protected EngineBus bus;
    protected EngineSide engine;
    protected final BlockingQueue<EventEnvelope> events = new LinkedBlockingQueue<>();
    protected final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    protected final BlockingQueue<LifecycleEnvelope> lifecycle = new LinkedBlockingQueue<>();

    /** A fresh bus, with nothing in it from earlier tests. */
    protected abstract EngineBus newBus();

    /** The engine's end of {@link #bus}. */
    protected abstract EngineSide engineSideOf(EngineBus bus);

    /** Returns once a message published now reaches the receiver set with {@link EngineBus#onMessage}. */
    protected abstract void awaitReceiving();

    protected abstract String expectedKind();

    /** What {@code publishMessage} of a malformed message may do, beyond never delivering it. */
    protected abstract void checkMalformedStage(CompletionStage<Void> stage) throws Exception;

    @BeforeEach
    void openBus() {
        bus = newBus();
        engine = engineSideOf(bus);
        engine.onLifecycle(lifecycle::add);
        engine.onEvent(events::add);
        bus.onMessage((message, copyFor) -> messages.add(message));
        // the audiences of the tests' messages (one per message: a node gets one copy per audience it listens to)
        for (String participant : List.of("participant-123", "q")) {
            bus.listen(Audience.participant(participant)).toCompletableFuture().join();
        }
        awaitReceiving();
    }

    @AfterEach
    void closeBus() {
        if (engine != null) {
            engine.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    protected static EventEnvelope envelope(String id) {
        ObjectNode event = BusJson.MAPPER.createObjectNode()
                .put("id", id).put("type", "user.action").put("timestamp", "2025-10-28T22:45:00.000Z");
        event.putObject("source").put("id", "participant-123");
        event.putObject("data").put("text", "héllo \"quoted\"").putArray("list").add(1).add(2.5).addNull();
        return new EventEnvelope(event, "participant-123", "session-" + id, "channel-" + id, "node-a",
                "2025-10-28T22:45:00.123Z");
    }

    protected static String message(String tag) {
        // Odd spacing and key order on purpose: receivers must get these exact bytes.
        return "{ \"to\" : [{\"participantId\":\"participant-123\"}],\"event\":{\"id\":\"" + tag
                + "\",\"b\":1,\"a\":[true,null]},  \"data\":{\"tag\":\"" + tag + "\",\"ü\":\"\\u00e9\"} }";
    }

    protected static <T> T poll(BlockingQueue<T> queue, String what) throws InterruptedException {
        T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "no " + what + " within " + WAIT.toMillis() + " ms");
        return item;
    }

    @Test
    void statusSaysKindAndUp() {
        assertEquals(expectedKind(), bus.status().kind());
        assertTrue(bus.status().up(), bus.status().toString());
    }

    @Test
    void publishedEventReachesTheEngineOnceWithTheEnvelopeIntact() throws Exception {
        EventEnvelope sent = envelope("evt_1");
        bus.publishEvent(sent).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        EventEnvelope received = poll(events, "event");
        assertEquals(sent, received);
        assertEquals(sent.toJson(), received.toJson());
        Wait.settle(SETTLE);
        assertNull(events.poll(), "the event reached the engine twice");
    }

    @Test
    void publishedMessageReachesTheReceiverVerbatimOnce() throws Exception {
        String json = message("m1");
        bus.publishMessage(json).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Message received = poll(messages, "message");
        assertEquals(json, received.json());
        assertEquals(List.of(new Address("participant-123", null, null)), received.to());
        Wait.settle(SETTLE);
        assertNull(messages.poll(), "the message arrived twice");
    }

    @Test
    void engineSideMessageReachesTheReceiverVerbatim() throws Exception {
        String json = "{\"event\":{\"id\":\"e\"},\"to\":[{\"participantId\":\"p\",\"sessionId\":\"s\",\"nodeId\":\"n\"},"
                + "{\"participantId\":\"q\"}],\"data\":{}}";
        engine.publishMessage(json).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Message received = poll(messages, "message");
        assertEquals(json, received.json());
        assertEquals(List.of(new Address("p", "s", "n"), new Address("q", null, null)), received.to());
    }

    @Test
    void onePublishersEventsKeepTheirOrder() throws Exception {
        int count = 200;
        List<CompletionStage<Void>> stages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stages.add(bus.publishEvent(envelope("evt_" + i)));
        }
        for (CompletionStage<Void> stage : stages) {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(poll(events, "event " + i).event().path("id").asText());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("evt_" + i);
        }
        assertEquals(expected, ids);
    }

    @Test
    void onePublishersMessagesKeepTheirOrder() throws Exception {
        int count = 200;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(message("m" + i));
            bus.publishMessage(sent.get(i));
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            received.add(poll(messages, "message " + i).json());
        }
        assertEquals(sent, received);
    }

    @Test
    void malformedMessagesNeverReachTheReceiver() throws Exception {
        for (String bad : List.of("not json", "[1,2]", "{\"event\":{},\"data\":{}}", "{\"to\":[]}",
                "{\"to\":[{\"sessionId\":\"s\"}]}", "{\"to\":[{\"participantId\":\"\"}]}")) {
            checkMalformedStage(bus.publishMessage(bad));
        }
        String marker = message("after-malformed");
        bus.publishMessage(marker).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // Messages keep their order, so anything malformed that got through would come before the marker.
        assertEquals(marker, poll(messages, "marker message").json());
        assertTrue(messages.isEmpty());
    }

    @Test
    void lifecycleIsToldOncePerSessionWithOnlineAndOfflineAroundTheParticipantsSessions() throws Exception {
        String participant = "life-" + System.nanoTime();
        SessionRecord first = session(participant, "s1", "node-a");
        SessionRecord second = session(participant, "s2", "node-b");
        await(bus.tellOpened(first));
        await(bus.tellOpened(first)); // told already: nothing
        await(bus.tellOpened(second));
        await(bus.tellClosed(first, "transport close"));
        await(bus.tellClosed(first, LifecycleEnvelope.NODE_LOST)); // told already, say by a survivor: nothing
        await(bus.tellClosed(second, "client namespace disconnect"));
        await(bus.tellClosed(session(participant, "never-opened", "node-a"), "x")); // never told opened: nothing

        List<String> told = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LifecycleEnvelope envelope = poll(lifecycle, "lifecycle envelope " + i);
            assertEquals(participant, envelope.participantId());
            told.add(envelope.kind().wire() + " " + envelope.sessionId() + " " + envelope.reason());
        }
        assertEquals(List.of("participant.online s1 null", "session.opened s1 null", "session.opened s2 null",
                "session.closed s1 transport close", "session.closed s2 client namespace disconnect",
                "participant.offline s2 client namespace disconnect"), told);
        assertNull(lifecycle.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS), "nothing told twice");
        assertTrue(events.isEmpty(), "lifecycle envelopes never reach the event handler");

        await(bus.tellOpened(first)); // a participant that comes back is online again
        assertEquals(LifecycleEnvelope.Kind.PARTICIPANT_ONLINE, poll(lifecycle, "online again").kind());
        LifecycleEnvelope opened = poll(lifecycle, "opened again");
        assertEquals(new LifecycleEnvelope(LifecycleEnvelope.Kind.SESSION_OPENED, participant, "s1", "ch-s1",
                "node-a", "websocket", null, opened.at(), null, null), opened);
    }

    private static SessionRecord session(String participant, String sessionId, String node) {
        return new SessionRecord(participant, sessionId, "ch-" + sessionId, node, false, "websocket",
                "2026-12-03T00:00:00Z");
    }

    private static void await(CompletionStage<Void> stage) throws Exception {
        stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
