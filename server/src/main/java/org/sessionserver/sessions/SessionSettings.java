package org.sessionserver.sessions;

/** What the session layer needs of the configuration. */
public record SessionSettings(String nodeId, int maxConnectionsPerParticipant, double rateLimitPerSec,
                              int rateLimitBurst) {
}
