package org.sessionserver.sessions;

/**
 * What the session layer needs of the configuration.
 *
 * @param engineLifecycle whether the engines are told sessions opening and closing ({@code ENGINE_LIFECYCLE})
 */
public record SessionSettings(String nodeId, int maxConnectionsPerParticipant, double rateLimitPerSec,
                              int rateLimitBurst, boolean engineLifecycle) {
}
