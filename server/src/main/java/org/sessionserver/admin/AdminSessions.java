package org.sessionserver.admin;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.sessionserver.transport.RandomIds;

/**
 * The admin UI's login sessions on this node: after a good login the UI is sent a session id ({@code session}) and
 * reconnects with it instead of the password, as with the package's {@code InMemoryStore}. Ids expire after
 * {@link #TTL} (the package's Redis store's default); the oldest go first when there are {@link #MAX} of them.
 */
final class AdminSessions {
    static final Duration TTL = Duration.ofDays(1);
    static final int MAX = 1_000;

    private final LongSupplier nanoTime;
    /** Session id to its expiry, oldest first. */
    private final Map<String, Long> expiries = new LinkedHashMap<>();

    AdminSessions(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    synchronized String open() {
        forgetExpired();
        if (expiries.size() >= MAX) {
            Iterator<String> oldest = expiries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        String id = RandomIds.next();
        expiries.put(id, nanoTime.getAsLong() + TTL.toNanos());
        return id;
    }

    synchronized boolean isValid(String id) {
        forgetExpired();
        return expiries.containsKey(id);
    }

    private void forgetExpired() {
        long now = nanoTime.getAsLong();
        expiries.values().removeIf(expiry -> expiry - now <= 0);
    }
}
