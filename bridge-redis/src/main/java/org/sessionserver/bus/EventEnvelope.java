package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An accepted event as the engine receives it, stamped with who sent it and where. Wire form (the {@code envelope}
 * field of each entry of the inbound stream): a {@code message} event
 * {@code {"event":{...},"participantId","sessionId","channelId","nodeId","receivedAt"}}; a client event of another
 * name ({@code CLIENT_EVENTS}) {@code {"name","payload","requestId"?,"participantId",...}}.
 *
 * @param event     the Event of a {@code message}; null for a named client event
 * @param name      the name of a client event other than {@code message}; null for a {@code message}
 * @param payload   a named client event's payload (any JSON value); null for a {@code message}
 * @param requestId a raw client's {@code request_id} of a named client event, or null
 */
public record EventEnvelope(JsonNode event, String name, JsonNode payload, JsonNode requestId, String participantId,
                            String sessionId, String channelId, String nodeId, String receivedAt) {

    /** A {@code message} event. */
    public EventEnvelope(JsonNode event, String participantId, String sessionId, String channelId, String nodeId,
                         String receivedAt) {
        this(event, null, null, null, participantId, sessionId, channelId, nodeId, receivedAt);
    }

    /** A client event of another name. */
    public static EventEnvelope named(String name, JsonNode payload, JsonNode requestId, String participantId,
                                      String sessionId, String channelId, String nodeId, String receivedAt) {
        return new EventEnvelope(null, name, payload == null ? NullNode.instance : payload, requestId, participantId,
                sessionId, channelId, nodeId, receivedAt);
    }

    public boolean isNamed() {
        return name != null;
    }

    public String toJson() {
        ObjectNode node = BusJson.MAPPER.createObjectNode();
        if (isNamed()) {
            node.put("name", name);
            node.set("payload", payload);
            if (requestId != null && !requestId.isNull()) {
                node.set("requestId", requestId);
            }
        } else {
            node.set("event", event);
        }
        node.put("participantId", participantId);
        node.put("sessionId", sessionId);
        node.put("channelId", channelId);
        node.put("nodeId", nodeId);
        node.put("receivedAt", receivedAt);
        return node.toString();
    }

    public static EventEnvelope fromJson(String json) {
        try {
            return fromJson(BusJson.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an event envelope: " + e.getOriginalMessage(), e);
        }
    }

    public static EventEnvelope fromJson(JsonNode node) {
        String name = node.path("name").asText(null);
        return new EventEnvelope(name == null ? node.get("event") : null, name,
                name == null ? null : node.path("payload"), name == null ? null : node.get("requestId"),
                node.path("participantId").asText(null), node.path("sessionId").asText(null),
                node.path("channelId").asText(null), node.path("nodeId").asText(null),
                node.path("receivedAt").asText(null));
    }
}
