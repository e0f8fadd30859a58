package org.sessionserver.bus;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Where a session is: the directory's entry, and a line of {@code GET /connections}.
 *
 * @param transport   "websocket", "polling", "raw" or "http"
 * @param connectedAt ISO-8601 instant
 */
public record SessionRecord(String participantId, String sessionId, String channelId, String nodeId, boolean proxy,
                            String transport, String connectedAt) {

    public String toJson() {
        try {
            return BusJson.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SessionRecord fromJson(String json) {
        try {
            return BusJson.MAPPER.readValue(json, SessionRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a session record: " + e.getOriginalMessage(), e);
        }
    }
}
