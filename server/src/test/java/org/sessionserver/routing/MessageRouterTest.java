package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.Audience;
import org.sessionserver.bus.InMemoryTopics;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;
import org.sessionserver.sessions.OutboundMessage;
import org.sessionserver.sessions.RecordedAudiences;

class MessageRouterTest {
    private final InMemoryTopics store = new InMemoryTopics();
    private final RecordedAudiences audiences = new RecordedAudiences();
    private final LocalTopics topics = new LocalTopics(store, audiences);
    private final LocalSessions sessions = new LocalSessions("n1", topics);
    private final MessageRouter router = new MessageRouter(sessions, new ServerMetrics(), new Backlog());

    MessageRouterTest() {
        store.onChange(topics::apply);
    }

    @AfterEach
    void close() {
        topics.close();
    }

    private static final class Recorder extends StubConnection {
        final List<String> received = new ArrayList<>();

        Recorder(String participant, String session, boolean proxy) {
            super(participant, session, proxy);
        }

        @Override
        public void deliver(OutboundMessage message) {
            received.add(message.message().json());
        }
    }

    private Recorder connect(String participant, String session, boolean proxy) {
        Recorder recorder = new Recorder(participant, session, proxy);
        sessions.readyFor(participant).join();
        sessions.tryAdd(recorder, 10);
        return recorder;
    }

    private void send(String to) {
        router.route(Message.parse("{\"event\":{},\"to\":" + to + "}"));
    }

    private void send(String to, String exclude) {
        router.route(Message.parse("{\"event\":{},\"to\":" + to + ",\"exclude\":" + exclude + "}"));
    }

    private void join(String topic, String... participants) {
        store.change(TopicChange.of(topic, List.of(participants), List.of())).toCompletableFuture().join();
    }

    @Test
    void participantAddressReachesEveryConnectionOnce() {
        Recorder phone = connect("p", "s1", false);
        Recorder laptop = connect("p", "s2", false);
        Recorder other = connect("q", "s3", false);
        send("[{\"participantId\":\"p\"},{\"participantId\":\"p\",\"sessionId\":\"s1\"}]");
        assertEquals(1, phone.received.size());
        assertEquals(1, laptop.received.size());
        assertEquals(0, other.received.size());
    }

    @Test
    void sessionAddressReachesThatSessionAndProxies() {
        Recorder target = connect("p", "s1", false);
        Recorder sibling = connect("p", "s2", false);
        Recorder proxy = connect("p", "s3", true);
        send("[{\"participantId\":\"p\",\"sessionId\":\"s1\"}]");
        assertEquals(1, target.received.size());
        assertEquals(0, sibling.received.size());
        assertEquals(1, proxy.received.size());
    }

    @Test
    void nodeIdNarrowsToThatNodeButNotProxies() {
        Recorder here = connect("p", "s1", false);
        Recorder proxy = connect("p", "s2", true);
        send("[{\"participantId\":\"p\",\"nodeId\":\"elsewhere\"}]");
        assertEquals(0, here.received.size());
        assertEquals(1, proxy.received.size());
        send("[{\"participantId\":\"p\",\"nodeId\":\"n1\"}]");
        assertEquals(1, here.received.size());
    }

    @Test
    void messageIsDeliveredVerbatim() {
        Recorder phone = connect("p", "s1", false);
        String json = "{ \"to\" : [ {\"participantId\":\"p\"} ], \"data\": {\"x\": 1.50} }";
        router.route(Message.parse(json));
        assertEquals(List.of(json), phone.received);
    }

    /**
     * Routed delivery: the node gets one copy per audience it listens to. Each copy serves the sessions whose first
     * matching entry it covers, so that all the copies together deliver once to each session, as one whole copy does.
     */
    @Test
    void theCopiesOfAMessageTogetherDeliverOncePerSession() {
        join("t", "p", "q");
        Recorder named = connect("p", "s1", false);
        Recorder sibling = connect("p", "s2", false);
        Recorder member = connect("q", "s3", false);
        Recorder excluded = connect("q", "s4", false);
        Message message = Message.parse("{\"to\":[{\"participantId\":\"p\",\"sessionId\":\"s1\"},{\"topic\":\"t\"},"
                + "{\"participantId\":\"q\"}],\"exclude\":[{\"sessionId\":\"s4\"}]}");
        assertEquals(List.of(Audience.participant("p"), Audience.topic("t"), Audience.participant("q")),
                message.audiences());

        router.route(message, Audience.participant("p"));
        assertEquals(List.of(1, 0, 0, 0), counts(named, sibling, member, excluded));
        router.route(message, Audience.topic("t"));
        assertEquals(List.of(1, 1, 1, 0), counts(named, sibling, member, excluded));
        router.route(message, Audience.participant("q"));
        assertEquals(List.of(1, 1, 1, 0), counts(named, sibling, member, excluded), "q's copy found q served already");
    }

    private static List<Integer> counts(Recorder... recorders) {
        return java.util.Arrays.stream(recorders).map(recorder -> recorder.received.size()).toList();
    }

    @Test
    void aNodeListensToItsParticipantsAndToTheirTopicsWhileItHoldsThem() {
        join("t", "p");
        join("u", "q");
        Recorder phone = connect("p", "s1", false);
        assertEquals(java.util.Set.of(Audience.participant("p"), Audience.topic("t")), audiences.listened());
        join("v", "p");
        assertEquals(java.util.Set.of(Audience.participant("p"), Audience.topic("t"), Audience.topic("v")),
                audiences.listened());
        store.change(TopicChange.leave("t", "p")).toCompletableFuture().join();
        assertEquals(java.util.Set.of(Audience.participant("p"), Audience.topic("v")), audiences.listened());
        sessions.remove(phone);
        // forgotten only after LocalTopics.IDLE_MS: a client that comes back finds them ready
        assertEquals(java.util.Set.of(Audience.participant("p"), Audience.topic("v")), audiences.listened());
    }

    @Test
    void topicReachesEveryConnectionOfEveryMemberJoinedBeforeOrAfterConnecting() {
        join("t", "p");
        Recorder phone = connect("p", "s1", false);
        Recorder laptop = connect("p", "s2", true);
        Recorder later = connect("q", "s3", false);
        Recorder outsider = connect("r", "s4", false);
        join("t", "q");
        send("[{\"topic\":\"t\"}]");
        assertEquals(1, phone.received.size());
        assertEquals(1, laptop.received.size());
        assertEquals(1, later.received.size());
        assertEquals(0, outsider.received.size());
        store.change(TopicChange.leave("t", "q")).toCompletableFuture().join();
        send("[{\"topic\":\"t\"}]");
        assertEquals(2, phone.received.size());
        assertEquals(1, later.received.size());
    }

    @Test
    void mixedEntriesReachEachConnectionOnce() {
        join("t", "p", "q");
        join("u", "p");
        Recorder phone = connect("p", "s1", false);
        Recorder other = connect("q", "s2", false);
        send("[{\"topic\":\"t\"},{\"topic\":\"u\"},{\"participantId\":\"p\",\"sessionId\":\"s1\"},"
                + "{\"participantId\":\"q\"}]");
        assertEquals(1, phone.received.size());
        assertEquals(1, other.received.size());
    }

    @Test
    void excludedConnectionsNeverReceive() {
        join("t", "p", "q");
        Recorder sender = connect("p", "s1", false);
        Recorder senderLaptop = connect("p", "s2", false);
        Recorder other = connect("q", "s3", false);
        send("[{\"topic\":\"t\"}]", "[{\"sessionId\":\"s1\"}]");
        assertEquals(List.of(0, 1, 1), List.of(sender.received.size(), senderLaptop.received.size(),
                other.received.size()));
        send("[{\"topic\":\"t\"},{\"participantId\":\"p\"}]", "[{\"participantId\":\"p\"}]");
        assertEquals(List.of(0, 1, 2), List.of(sender.received.size(), senderLaptop.received.size(),
                other.received.size()));
    }

    @Test
    void participantLimitIsEnforced() {
        LocalSessions limited = new LocalSessions("n1", topics);
        assertEquals(true, limited.tryAdd(new Recorder("p", "a", false), 2));
        assertEquals(true, limited.tryAdd(new Recorder("p", "b", false), 2));
        assertEquals(false, limited.tryAdd(new Recorder("p", "c", false), 2));
        assertEquals(2, limited.connections());
        assertEquals(1, limited.participants());
    }
}
