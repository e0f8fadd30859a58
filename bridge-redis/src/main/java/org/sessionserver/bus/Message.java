package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A message from the engine: {@code {"event":{...},"to":[{"participantId","sessionId"?,"nodeId"?}],"data":{}}}.
 * Clients receive {@link #json()} exactly as the engine wrote it; {@link #to()} is parsed for routing.
 */
public record Message(String json, List<Address> to) {

    /** Parses and checks a message; throws {@link IllegalArgumentException} with a reason a caller can show. */
    public static Message parse(String json) {
        JsonNode node;
        try {
            node = BusJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("message must be a JSON object");
        }
        JsonNode to = node.get("to");
        if (to == null || !to.isArray() || to.isEmpty()) {
            throw new IllegalArgumentException("message.to must be a non-empty array");
        }
        List<Address> addresses = new ArrayList<>(to.size());
        for (JsonNode entry : to) {
            String participantId = text(entry, "participantId");
            if (participantId == null || participantId.isEmpty()) {
                throw new IllegalArgumentException("each message.to entry needs a participantId");
            }
            addresses.add(new Address(participantId, text(entry, "sessionId"), text(entry, "nodeId")));
        }
        return new Message(json, List.copyOf(addresses));
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
