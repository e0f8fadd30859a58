package org.sessionserver.bus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a session is: the directory's entry, and a line of {@code GET /connections}.
 *
 * @param transport       "websocket", "polling", "raw" or "http"
 * @param connectedAt     ISO-8601 instant
 * @param clientSessionId the session id the client gave itself (a raw {@code hello}'s {@code session_id}), or null
 * @param clientMeta      what the client said of itself (a raw {@code hello}'s {@code client_meta} object), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL) // records of clients that gave neither stay as short as before
public record SessionRecord(String participantId, String sessionId, String channelId, String nodeId, boolean proxy,
                            String transport, String connectedAt, String clientSessionId, JsonNode clientMeta) {

    public SessionRecord {
        if (clientMeta != null && clientMeta.isNull()) {
            clientMeta = null;
        }
    }

    /** A session whose client said nothing of itself. */
    public SessionRecord(String participantId, String sessionId, String channelId, String nodeId, boolean proxy,
                         String transport, String connectedAt) {
        this(participantId, sessionId, channelId, nodeId, proxy, transport, connectedAt, null, null);
    }

    /** This record with what the client said of itself (either may be null). */
    public SessionRecord withClient(String clientSessionId, JsonNode clientMeta) {
        return new SessionRecord(participantId, sessionId, channelId, nodeId, proxy, transport, connectedAt,
                clientSessionId, clientMeta);
    }

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
