package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An accepted event as the engine receives it: the client's event, stamped with who sent it and where.
 * Wire form (the {@code envelope} field of each entry of the inbound stream):
 * {@code {"event":{...},"participantId","sessionId","channelId","nodeId","receivedAt"}}.
 */
public record EventEnvelope(JsonNode event, String participantId, String sessionId, String channelId, String nodeId,
                            String receivedAt) {

    public String toJson() {
        ObjectNode node = BusJson.MAPPER.createObjectNode();
        node.set("event", event);
        node.put("participantId", participantId);
        node.put("sessionId", sessionId);
        node.put("channelId", channelId);
        node.put("nodeId", nodeId);
        node.put("receivedAt", receivedAt);
        return node.toString();
    }

    public static EventEnvelope fromJson(String json) {
        try {
            JsonNode node = BusJson.MAPPER.readTree(json);
            return new EventEnvelope(node.get("event"), node.path("participantId").asText(null),
                    node.path("sessionId").asText(null), node.path("channelId").asText(null),
                    node.path("nodeId").asText(null), node.path("receivedAt").asText(null));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an event envelope: " + e.getOriginalMessage(), e);
        }
    }
}
