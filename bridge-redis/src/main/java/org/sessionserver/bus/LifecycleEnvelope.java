package org.sessionserver.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * A lifecycle envelope ({@code ENGINE_LIFECYCLE}) as the engine receives it on the inbound stream, beside the event
 * envelopes: {@code {"lifecycle","participantId","sessionId","channelId","nodeId","transport","reason"?,"at"}}.
 * For one participant the stream holds, in order, {@code participant.online}, then {@code session.opened} and
 * {@code session.closed} of each of its sessions, then {@code participant.offline} once its last session in the
 * cluster closed (the online/offline pair carries the session that caused it). Each is told exactly once, by the
 * node that held the session or, for a node that died, by one surviving node ({@code reason} {@value #NODE_LOST}).
 *
 * @param reason          why a session closed (the transport's disconnect reason); null for the opening kinds
 * @param at              when the node told it, ISO-8601
 * @param clientSessionId a {@code session.opened}'s client-given session id, or null
 * @param clientMeta      a {@code session.opened}'s client metadata object, or null
 */
public record LifecycleEnvelope(Kind kind, String participantId, String sessionId, String channelId, String nodeId,
                                String transport, String reason, String at, String clientSessionId,
                                JsonNode clientMeta) {
    /** The reason of the sessions of a node that stopped heartbeating, told by a surviving node. */
    public static final String NODE_LOST = "node_lost";

    public enum Kind {
        PARTICIPANT_ONLINE("participant.online"),
        SESSION_OPENED("session.opened"),
        SESSION_CLOSED("session.closed"),
        PARTICIPANT_OFFLINE("participant.offline");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Kind fromWire(String wire) {
            return Arrays.stream(values()).filter(kind -> kind.wire.equals(wire)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown lifecycle kind: " + wire));
        }
    }

    /** The envelope of {@code kind} for a session. */
    public static LifecycleEnvelope of(Kind kind, SessionRecord session, String reason, String at) {
        boolean opened = kind == Kind.SESSION_OPENED;
        return new LifecycleEnvelope(kind, session.participantId(), session.sessionId(), session.channelId(),
                session.nodeId(), session.transport(), reason, at, opened ? session.clientSessionId() : null,
                opened ? session.clientMeta() : null);
    }

    /** Whether an entry of the inbound stream is a lifecycle envelope (rather than an event's). */
    public static boolean isLifecycle(JsonNode envelope) {
        return envelope.has("lifecycle");
    }

    public String toJson() {
        ObjectNode node = BusJson.MAPPER.createObjectNode()
                .put("lifecycle", kind.wire())
                .put("participantId", participantId)
                .put("sessionId", sessionId)
                .put("channelId", channelId)
                .put("nodeId", nodeId)
                .put("transport", transport);
        if (reason != null) {
            node.put("reason", reason);
        }
        node.put("at", at);
        if (clientSessionId != null) {
            node.put("clientSessionId", clientSessionId);
        }
        if (clientMeta != null) {
            node.set("clientMeta", clientMeta);
        }
        return node.toString();
    }

    public static LifecycleEnvelope fromJson(JsonNode node) {
        return new LifecycleEnvelope(Kind.fromWire(node.path("lifecycle").asText()),
                node.path("participantId").asText(null), node.path("sessionId").asText(null),
                node.path("channelId").asText(null), node.path("nodeId").asText(null),
                node.path("transport").asText(null), node.path("reason").asText(null), node.path("at").asText(null),
                node.path("clientSessionId").asText(null), node.get("clientMeta"));
    }
}
