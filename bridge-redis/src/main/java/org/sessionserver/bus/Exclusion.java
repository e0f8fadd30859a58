package org.sessionserver.bus;

/**
 * One {@code exclude} entry of a Message: the connections it matches never receive the message, whatever its
 * {@code to} says. It names a participant (all of its connections), a session, or both.
 */
public record Exclusion(String participantId, String sessionId) {

    public boolean matches(SessionRecord session) {
        return (participantId == null || participantId.equals(session.participantId()))
                && (sessionId == null || sessionId.equals(session.sessionId()));
    }
}
