package org.sessionserver.auth;

import org.sessionserver.bus.Names;

/** What a participant id may look like, whatever proved it: the grammar of {@link Names}. */
public final class ParticipantIds {
    /** The rule, as shown in messages. */
    public static final String RULE = Names.RULE;

    private ParticipantIds() {
    }

    public static boolean isValid(String id) {
        return Names.isValid(id);
    }
}
