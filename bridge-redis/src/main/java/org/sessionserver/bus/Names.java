package org.sessionserver.bus;

import java.util.regex.Pattern;

/** The one grammar of participant ids and topic names: 1-128 characters of {@code [A-Za-z0-9._:@-]}. */
public final class Names {
    /** The rule, as shown in messages. */
    public static final String RULE = "1-128 chars of [A-Za-z0-9._:@-]";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}
