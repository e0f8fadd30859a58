package org.sessionserver.bus;

/**
 * Whom one copy of a Message is for in routed delivery: the connections of one participant, or those of the members
 * of one topic. Each node listens to the audiences it holds connections for, and a Message travels once to each
 * audience its {@code to} names ({@link Message#audiences()}), so only nodes with a recipient receive it.
 *
 * @param topic null for a participant's audience; otherwise {@code participantId} is null
 */
public record Audience(String participantId, String topic) {
    public static Audience participant(String participantId) {
        return new Audience(participantId, null);
    }

    public static Audience topic(String topic) {
        return new Audience(null, topic);
    }

    /** The audience of one {@code to} entry: its topic, or its participant whatever session or node it names. */
    public static Audience of(Address address) {
        return address.isTopic() ? topic(address.topic()) : participant(address.participantId());
    }

    /** Whether this audience's copy of a Message serves {@code address} (see {@link Message#audiences()}). */
    public boolean covers(Address address) {
        return address.isTopic() ? address.topic().equals(topic) : address.participantId().equals(participantId);
    }

    public boolean isTopic() {
        return topic != null;
    }
}
