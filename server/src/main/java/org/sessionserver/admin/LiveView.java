package org.sessionserver.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.sessionserver.bus.EventEnvelope;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;
import org.sessionserver.sessions.SessionListener;

/**
 * What happens to this node's sessions, told to the admin UI as it happens: {@code socket_connected},
 * {@code socket_updated} (an upgrade to WebSocket) and {@code socket_disconnected}, {@code room_joined} and {@code room_left} when a participant held here joins or leaves
 * a topic, and (only with {@code ADMIN_EVENTS}) {@code event_received} for each event a client sent that the bus took.
 * Each node tells of its own sessions, so the cluster's feed names each once.
 */
final class LiveView implements SessionListener {
    private final AdminFeed feed;
    private final LocalSessions sessions;
    private final LocalTopics topics;

    LiveView(AdminFeed feed, LocalSessions sessions, LocalTopics topics) {
        this.feed = feed;
        this.sessions = sessions;
        this.topics = topics;
    }

    /** Its topics are known here before a session opens ({@link LocalSessions#readyFor}). */
    @Override
    public void opened(SessionRecord session) {
        feed.tell("socket_connected", SocketView.of(session, topics.topicsOf(session.participantId())),
                AdminFeed.now());
    }

    @Override
    public void upgraded(SessionRecord session, String transport) {
        feed.tell("socket_updated", SocketView.transportChange(session, transport));
    }

    @Override
    public void closed(SessionRecord session, String reason) {
        feed.tell("socket_disconnected", SocketView.NAMESPACE, session.sessionId(), reason, AdminFeed.now());
    }

    /** A topic change, as every node is told of it: each node names the sessions it holds. */
    void topicChanged(TopicChange change) {
        tellRooms("room_joined", change.topic(), change.add());
        tellRooms("room_left", change.topic(), change.remove());
    }

    void eventAccepted(EventEnvelope envelope) {
        String name = envelope.isNamed() ? envelope.name() : "message";
        feed.tell("event_received", SocketView.NAMESPACE, envelope.sessionId(),
                JsonNodeFactory.instance.arrayNode().add(name)
                        .add(envelope.isNamed() ? envelope.payload() : envelope.event()),
                AdminFeed.now());
    }

    private void tellRooms(String event, String topic, List<String> participants) {
        for (String participant : participants) {
            for (Connection connection : sessions.ofParticipant(participant)) {
                feed.tell(event, SocketView.NAMESPACE, topic, connection.session().sessionId(), AdminFeed.now());
            }
        }
    }
}
