package org.sessionserver.bus;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of named pushes ({@link Message.NamedPush}): a grammar that needs no escaping in either wire format, and
 * the names either protocol keeps for itself, which a push may not take.
 */
public final class EventNames {
    public static final String RULE = "1-128 chars of [A-Za-z0-9_.:@/-]";
    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9_.:@/-]{1,128}");
    /** Socket.IO's (socket.io's RESERVED_EVENTS, and ours: {@code session}, {@code error}) and the raw protocol's. */
    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener", "session", "error", "hello", "hello_ack", "ack", "pong", "request",
            "response");

    private EventNames() {
    }

    public static boolean isValid(String name) {
        return name != null && GRAMMAR.matcher(name).matches();
    }

    public static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }
}
