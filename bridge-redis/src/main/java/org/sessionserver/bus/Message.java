package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A message from the engine: {@code {"event":{...},"to":[{"participantId","sessionId"?,"nodeId"?} | {"topic"}],
 * "exclude"?:[{"participantId"?,"sessionId"?}],"name"?,"requestId"?,"final"?,"data":{}}}. Clients receive
 * {@link #json()} exactly as the engine wrote it, or, for a named push ({@link #push()}), its {@code data} under
 * that name; {@link #to()} and {@link #exclude()} are parsed for routing.
 *
 * @param push null unless the message has a {@code name}
 * @param last its {@code "final":true}: it ends the stream of answers of a {@code POST /event?wait} in SSE form
 */
public record Message(String json, List<Address> to, List<Exclusion> exclude, NamedPush push, boolean last) {
    /**
     * A named push: Socket.IO clients get {@code emit(name, data)}, raw clients {@code {"type":name,
     * "request_id"?:requestId,"payload":data}}, so an engine can answer a raw request ({@code register} ->
     * {@code register_success}).
     *
     * @param requestIdJson the JSON of {@code requestId} (a string or a number), null without one
     * @param dataJson      the JSON of {@code data} ({@code null} without one)
     */
    public record NamedPush(String name, String requestIdJson, String dataJson) {
    }


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
            addresses.add(address(entry));
        }
        return new Message(json, List.copyOf(addresses), exclusions(node.get("exclude")), push(node),
                node.path("final").asBoolean(false));
    }

    private static NamedPush push(JsonNode message) {
        JsonNode name = message.get("name");
        JsonNode requestId = message.get("requestId");
        if (name == null || name.isNull()) {
            if (requestId != null && !requestId.isNull()) {
                throw new IllegalArgumentException("message.requestId needs a message.name");
            }
            return null;
        }
        if (!name.isTextual() || !EventNames.isValid(name.textValue())) {
            throw new IllegalArgumentException("message.name must be " + EventNames.RULE);
        }
        if (EventNames.isReserved(name.textValue())) {
            throw new IllegalArgumentException("message.name \"" + name.textValue() + "\" is reserved");
        }
        if (requestId != null && !requestId.isNull() && !requestId.isTextual() && !requestId.isNumber()) {
            throw new IllegalArgumentException("message.requestId must be a string or a number");
        }
        JsonNode data = message.get("data");
        return new NamedPush(name.textValue(), requestId == null || requestId.isNull() ? null : requestId.toString(),
                data == null ? "null" : data.toString());
    }

    /**
     * The JSON of a named push to {@code to}: {@code {"name","requestId"?,"to":[...],"data"}}, as an engine would write
     * it. {@code requestId} is a raw request's {@code request_id} being answered, or null.
     */
    public static String namedPushJson(String name, JsonNode requestId, JsonNode data, List<Address> to) {
        ObjectNode message = BusJson.MAPPER.createObjectNode().put("name", name);
        if (requestId != null && !requestId.isNull()) {
            message.set("requestId", requestId);
        }
        ArrayNode entries = message.putArray("to");
        for (Address address : to) {
            ObjectNode entry = entries.addObject();
            if (address.isTopic()) {
                entry.put("topic", address.topic());
            } else {
                entry.put("participantId", address.participantId());
                if (address.sessionId() != null) {
                    entry.put("sessionId", address.sessionId());
                }
                if (address.nodeId() != null) {
                    entry.put("nodeId", address.nodeId());
                }
            }
        }
        message.set("data", data);
        return message.toString();
    }

    /**
     * The audiences of the {@code to} entries, each once, in the order of the entries. A Message travels once to each
     * of them; the copy a node receives for an audience serves the entries that audience {@link Audience#covers}, and
     * the node leaves a session that an earlier entry matches to that entry's copy: at most once per connection.
     */
    public List<Audience> audiences() {
        Set<Audience> audiences = new LinkedHashSet<>();
        for (Address address : to) {
            audiences.add(Audience.of(address));
        }
        return List.copyOf(audiences);
    }

    /** Whether any {@code to} entry is a topic. */
    public boolean hasTopic() {
        for (Address address : to) {
            if (address.isTopic()) {
                return true;
            }
        }
        return false;
    }

    /** Whether an exclude entry matches the session. */
    public boolean excludes(SessionRecord session) {
        for (Exclusion exclusion : exclude) {
            if (exclusion.matches(session)) {
                return true;
            }
        }
        return false;
    }

    private static Address address(JsonNode entry) {
        String participantId = text(entry, "participantId");
        String topic = text(entry, "topic");
        if (topic != null) {
            if (participantId != null) {
                throw new IllegalArgumentException("a message.to entry names a participantId or a topic, not both");
            }
            if (!Names.isValid(topic)) {
                throw new IllegalArgumentException("message.to topic must be " + Names.RULE);
            }
            return Address.topic(topic);
        }
        if (participantId == null || participantId.isEmpty()) {
            throw new IllegalArgumentException("each message.to entry needs a participantId or a topic");
        }
        return new Address(participantId, text(entry, "sessionId"), text(entry, "nodeId"));
    }

    private static List<Exclusion> exclusions(JsonNode exclude) {
        if (exclude == null || exclude.isNull()) {
            return List.of();
        }
        if (!exclude.isArray()) {
            throw new IllegalArgumentException("message.exclude must be an array");
        }
        List<Exclusion> exclusions = new ArrayList<>(exclude.size());
        for (JsonNode entry : exclude) {
            String participantId = text(entry, "participantId");
            String sessionId = text(entry, "sessionId");
            if (participantId == null && sessionId == null) {
                throw new IllegalArgumentException("each message.exclude entry needs a participantId or a sessionId");
            }
            exclusions.add(new Exclusion(participantId, sessionId));
        }
        return List.copyOf(exclusions);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
