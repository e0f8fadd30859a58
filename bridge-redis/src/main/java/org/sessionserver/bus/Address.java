package org.sessionserver.bus;

/**
 * One {@code to} entry of a Message: a participant or a topic. A participant entry with a sessionId names that
 * session (and, by the addressing rules, the participant's proxy connections); without, every connection of the
 * participant. A nodeId narrows a participant entry to the connections on that node. A topic entry reaches every
 * connection of every member of the topic.
 *
 * @param topic null for a participant entry; otherwise the other components are null
 */
public record Address(String participantId, String sessionId, String nodeId, String topic) {

    /** A participant entry. */
    public Address(String participantId, String sessionId, String nodeId) {
        this(participantId, sessionId, nodeId, null);
    }

    public static Address topic(String topic) {
        return new Address(null, null, null, topic);
    }

    public boolean isTopic() {
        return topic != null;
    }
}
