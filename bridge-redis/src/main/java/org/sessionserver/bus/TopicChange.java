package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Participants joining and leaving one topic: what the engine asks for, and what every node is told (as
 * {@code {"topic","add":[ids],"remove":[ids]}}) so that it can keep the memberships of the participants it holds.
 */
public record TopicChange(String topic, List<String> add, List<String> remove) {
    /** The most participant ids one change may name, added and removed together. */
    public static final int MAX_IDS = 10_000;

    /** The counts of a change: how many were not members and joined, how many were and left. */
    public record Result(long added, long removed) {
    }

    /**
     * A checked change; throws {@link IllegalArgumentException} with a reason a caller can show (a bad name, too many
     * ids, an id both added and removed). Repeated ids count once.
     */
    public static TopicChange of(String topic, List<String> add, List<String> remove) {
        if (!Names.isValid(topic)) {
            throw new IllegalArgumentException("a topic name must be " + Names.RULE);
        }
        Set<String> added = checked(add);
        Set<String> removed = checked(remove);
        if (added.size() + removed.size() > MAX_IDS) {
            throw new IllegalArgumentException("a change names at most " + MAX_IDS + " participant ids");
        }
        Set<String> both = new HashSet<>(added);
        both.retainAll(removed);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("participant " + both.iterator().next() + " is both added and removed");
        }
        return new TopicChange(topic, List.copyOf(added), List.copyOf(removed));
    }

    public static TopicChange join(String topic, String participantId) {
        return of(topic, List.of(participantId), List.of());
    }

    public static TopicChange leave(String topic, String participantId) {
        return of(topic, List.of(), List.of(participantId));
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /** {@code {"topic","add":[...],"remove":[...]}}: a carrier may add fields of its own. */
    public ObjectNode toJsonNode() {
        ObjectNode node = BusJson.MAPPER.createObjectNode().put("topic", topic);
        add.forEach(node.putArray("add")::add);
        remove.forEach(node.putArray("remove")::add);
        return node;
    }

    /** Reads what {@link #toJson} wrote; throws {@link IllegalArgumentException} when it cannot. */
    public static TopicChange fromJson(String json) {
        try {
            return fromJson(BusJson.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a topic change: " + e.getOriginalMessage());
        }
    }

    /** Reads what {@link #toJsonNode} made, ignoring any other field. */
    public static TopicChange fromJson(JsonNode node) {
        return of(node.path("topic").asText(null), texts(node.path("add")), texts(node.path("remove")));
    }

    private static Set<String> checked(List<String> ids) {
        Set<String> unique = new LinkedHashSet<>(ids);
        for (String id : unique) {
            if (!Names.isValid(id)) {
                throw new IllegalArgumentException("a participant id must be " + Names.RULE);
            }
        }
        return unique;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>(array.size());
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
