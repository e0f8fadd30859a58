package org.sessionserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.Message;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.OutboundMessage;

class MessageRouterTest {
    private final LocalSessions sessions = new LocalSessions("n1");
    private final MessageRouter router = new MessageRouter(sessions, new ServerMetrics());

    private static final class Recorder implements Connection {
        final SessionRecord session;
        final List<String> received = new ArrayList<>();

        Recorder(String participant, String session, boolean proxy) {
            this.session = new SessionRecord(participant, session, "c-" + session, "n1", proxy, "websocket", "t");
        }

        @Override
        public SessionRecord session() {
            return session;
        }

        @Override
        public RateLimiter rateLimiter() {
            return null;
        }

        @Override
        public EventExecutor loop() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public void deliver(OutboundMessage message) {
            received.add(message.message().json());
        }

        @Override
        public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
            throw new UnsupportedOperationException();
        }
    }

    private Recorder connect(String participant, String session, boolean proxy) {
        Recorder recorder = new Recorder(participant, session, proxy);
        sessions.tryAdd(recorder, 10);
        return recorder;
    }

    private void send(String to) {
        router.route(Message.parse("{\"event\":{},\"to\":" + to + "}"));
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

    @Test
    void participantLimitIsEnforced() {
        LocalSessions limited = new LocalSessions("n1");
        assertEquals(true, limited.tryAdd(new Recorder("p", "a", false), 2));
        assertEquals(true, limited.tryAdd(new Recorder("p", "b", false), 2));
        assertEquals(false, limited.tryAdd(new Recorder("p", "c", false), 2));
        assertEquals(2, limited.connections());
        assertEquals(1, limited.participants());
    }
}
