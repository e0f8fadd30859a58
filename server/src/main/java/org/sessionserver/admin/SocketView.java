package org.sessionserver.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.TreeSet;
import org.sessionserver.bus.SessionRecord;

/**
 * How one of our sessions looks to the admin UI: a socket of the main namespace ({@code SerializedSocket} in the
 * package's {@code lib/typed-events.ts}). The socket id is the session id, the client id the channel (Engine.IO
 * session) id cut to 12 chars as the package cuts it, the rooms the session's own (private) room and its participant's
 * topics; {@code data} says who and where: participant, session, node, proxy mode.
 */
final class SocketView {
    /** The namespace our sessions live in. */
    static final String NAMESPACE = "/";
    private static final int CLIENT_ID_CHARS = 12;

    private SocketView() {
    }

    static ObjectNode of(SessionRecord session, Collection<String> topics) {
        return of(session, session.transport(), topics);
    }

    /** @param transport the transport in use now (the record keeps the one the session opened with) */
    static ObjectNode of(SessionRecord session, String transport, Collection<String> topics) {
        ObjectNode socket = JsonNodeFactory.instance.objectNode()
                .put("id", session.sessionId())
                .put("clientId", clientId(session.channelId()))
                .put("transport", transport)
                .put("nsp", NAMESPACE);
        socket.putObject("data")
                .put("participantId", session.participantId())
                .put("sessionId", session.sessionId())
                .put("nodeId", session.nodeId())
                .put("proxy", session.proxy());
        ObjectNode handshake = socket.putObject("handshake");
        handshake.put("time", session.connectedAt());
        handshake.put("issued", issued(session.connectedAt()));
        handshake.putObject("headers");
        handshake.putObject("query");
        socket.set("rooms", rooms(session, topics));
        return socket;
    }

    /** What {@code socket_updated} says when the session's connection changed transport. */
    static ObjectNode transportChange(SessionRecord session, String transport) {
        return JsonNodeFactory.instance.objectNode().put("id", session.sessionId()).put("nsp", NAMESPACE)
                .put("transport", transport);
    }

    /** The session's private room (its id, as in socket.io), then its topics in name order. */
    static ArrayNode rooms(SessionRecord session, Collection<String> topics) {
        ArrayNode rooms = JsonNodeFactory.instance.arrayNode().add(session.sessionId());
        new TreeSet<>(topics).forEach(rooms::add);
        return rooms;
    }

    private static String clientId(String channelId) {
        return channelId.length() <= CLIENT_ID_CHARS ? channelId : channelId.substring(0, CLIENT_ID_CHARS);
    }

    private static long issued(String connectedAt) {
        try {
            return Instant.parse(connectedAt).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
