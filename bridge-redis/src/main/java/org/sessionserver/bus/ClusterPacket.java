package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One packet of the node-to-node protocol. Every packet carries its sender's node id, epoch (a new one each time the
 * node starts) and sequence number, so a receiver can tell "nothing lost" from "I missed packets" after a blip.
 *
 * @param to the node it is for, or null for every node
 */
public record ClusterPacket(Type type, String from, long epoch, long seq, String to, JsonNode body) {
    /** The whole protocol. */
    public enum Type {
        /** "I am alive", sent periodically: keeps sequences flowing so gaps show up even when idle. */
        HEARTBEAT,
        /** Ask a client on the receiving node for an ack ({@code POST /participants/{id}/request}). */
        REQUEST,
        /** The answer to a REQUEST. */
        REPLY,
        /** "A client of your recoverable session reconnected to me: hand me its log after this offset." */
        RECOVER,
        /** The answer to a RECOVER: the missed messages, or a refusal. */
        RECOVERED,
        /** "Close these sessions of yours for good" (the engine's DELETE routes). */
        DISCONNECT,
        /** The answer to a DISCONNECT: how many were closed. */
        DISCONNECTED,
        /** One event of the admin UI's feed ({@code {"event","args"}}), for the admin sockets on every node. */
        ADMIN,
        /** "List your sessions as the admin UI shows them" (its {@code all_sockets}). */
        ADMIN_SOCKETS,
        /** The answer to an ADMIN_SOCKETS: {@code {"sockets":[...]}}. */
        ADMIN_SOCKETS_LISTED;

        /** The type that answers a packet of this type ({@link ClusterCalls}), or null when none does. */
        public Type answer() {
            return switch (this) {
                case REQUEST -> REPLY;
                case RECOVER -> RECOVERED;
                case DISCONNECT -> DISCONNECTED;
                case ADMIN_SOCKETS -> ADMIN_SOCKETS_LISTED;
                default -> null;
            };
        }
    }

    public String toJson() {
        ObjectNode node = BusJson.MAPPER.createObjectNode()
                .put("type", type.name().toLowerCase(java.util.Locale.ROOT))
                .put("from", from).put("epoch", epoch).put("seq", seq);
        if (to != null) {
            node.put("to", to);
        }
        node.set("body", body);
        return node.toString();
    }

    public static ClusterPacket fromJson(String json) {
        try {
            JsonNode node = BusJson.MAPPER.readTree(json);
            return new ClusterPacket(Type.valueOf(node.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
                    node.path("from").asText(), node.path("epoch").asLong(), node.path("seq").asLong(),
                    node.hasNonNull("to") ? node.get("to").asText() : null, node.get("body"));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cluster packet: " + e.getMessage(), e);
        }
    }
}
