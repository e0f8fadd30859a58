package org.sessionserver.auth;

import java.util.regex.Pattern;

/** What a participant id may look like: 1-128 characters of {@code [A-Za-z0-9._:@-]}, whatever proved it. */
public final class ParticipantIds {
    /** The rule, as shown in messages. */
    public static final String RULE = "1-128 chars of [A-Za-z0-9._:@-]";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private ParticipantIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
