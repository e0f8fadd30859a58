package org.sessionserver.bridge;

/**
 * Where a session is: the directory's entry, and a line of {@code GET /connections}.
 *
 * @param transport   "websocket", "polling" or "raw"
 * @param connectedAt ISO-8601 instant
 */
public record SessionRecord(String participantId, String sessionId, String channelId, String nodeId, boolean proxy,
                            String transport, String connectedAt) {
}
