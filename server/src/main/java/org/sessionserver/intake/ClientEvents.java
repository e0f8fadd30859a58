package org.sessionserver.intake;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sessionserver.bus.EventNames;

/**
 * Which client events besides {@code message} reach the engine ({@code CLIENT_EVENTS}): Socket.IO event names and
 * raw frame types, listed, or {@code *} for any name that neither protocol keeps for itself. A name that is not
 * allowed is refused with {@code unknown_event}, never ignored.
 */
public final class ClientEvents {
    /** What {@code CLIENT_EVENTS} defaults to: {@code message} events only. */
    public static final List<String> DEFAULT = List.of(EventIntake.MESSAGE);
    private static final String ANY = "*";

    private final Set<String> names;
    private final boolean any;

    private ClientEvents(Set<String> names, boolean any) {
        this.names = names;
        this.any = any;
    }

    /** Throws {@link IllegalArgumentException} with a one-line reason for a name that cannot be allowed. */
    public static ClientEvents of(List<String> listed) {
        Set<String> names = new LinkedHashSet<>();
        boolean any = false;
        for (String name : listed) {
            if (ANY.equals(name)) {
                any = true;
            } else if (!EventIntake.MESSAGE.equals(name)) {
                if (!EventNames.isValid(name)) {
                    throw new IllegalArgumentException("\"" + name + "\" is not " + EventNames.RULE);
                }
                if (EventNames.isReserved(name) || "ping".equals(name)) {
                    throw new IllegalArgumentException("\"" + name + "\" is reserved by the protocols");
                }
                names.add(name);
            }
        }
        return new ClientEvents(Collections.unmodifiableSet(names), any); // in the order listed, for refusals
    }

    /** Whether a client event of this name (not {@code message}, handled on its own) goes to the engine. */
    public boolean allows(String name) {
        return any ? EventNames.isValid(name) && !EventNames.isReserved(name) : names.contains(name);
    }

    /** For refusals: the names allowed besides each protocol's own types, "" when none. */
    public String others() {
        return any ? "any other name that is not reserved" : String.join(", ", names);
    }

    /** {@code described} and {@link #others()}, comma-separated. */
    public String withOthers(String described) {
        return others().isEmpty() ? described : described + ", " + others();
    }
}
