package org.sessionserver.sessions;

import org.sessionserver.bus.SessionRecord;

/**
 * Told of each session this node opens and closes, whatever its transport (the admin UI's live view). Called on the
 * connection's event loop, in the order things happened to the session: it must not block.
 */
public interface SessionListener {
    SessionListener NONE = new SessionListener() {
        @Override
        public void opened(SessionRecord session) {
        }

        @Override
        public void closed(SessionRecord session, String reason) {
        }
    };

    /** The session is routable here (its client is being told it is connected). */
    void opened(SessionRecord session);

    /** The session's connection moved to {@code transport} (a Socket.IO upgrade from polling to WebSocket). */
    default void upgraded(SessionRecord session, String transport) {
    }

    /** The session is gone from this node, for socket.io's {@code reason} ("transport close", ...). */
    void closed(SessionRecord session, String reason);
}
