package org.sessionserver.routing;

import org.sessionserver.sessions.OutboundMessage;

/** A connection whose unsent bytes a test sets: a client that stops reading, then reads again. */
final class UnsentConnection extends StubConnection {
    volatile long unsent;

    UnsentConnection() {
        super("p", "s-" + Integer.toHexString(System.identityHashCode(new Object())), false);
    }

    @Override
    public long unsentBytes() {
        return unsent;
    }

    @Override
    public void deliver(OutboundMessage message) {
    }
}
