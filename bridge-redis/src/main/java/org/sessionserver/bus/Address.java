package org.sessionserver.bus;

/**
 * One {@code to} entry of a Message. With a sessionId it names that session (and, by the addressing rules, the
 * participant's proxy connections); without, every connection of the participant. A nodeId narrows the entry to
 * the connections on that node.
 */
public record Address(String participantId, String sessionId, String nodeId) {
}
