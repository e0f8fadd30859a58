package org.sessionserver.transport.socketio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sessionserver.transport.engineio.EioServer;
import org.sessionserver.transport.engineio.EioSocket;

/**
 * The Socket.IO v5 server over an {@link EioServer}: its namespaces, and a {@link SioConnection} per Engine.IO
 * session. A CONNECT to a namespace that was not created is refused with {@code {"message":"Invalid namespace"}}.
 */
public final class SioServer {
    private final SioOptions options;
    private final Map<String, SioNamespace> namespaces = new ConcurrentHashMap<>();

    public SioServer(SioOptions options) {
        this.options = options;
    }

    SioOptions options() {
        return options;
    }

    /** The namespace of that name, created on first use. */
    public SioNamespace of(String name) {
        return namespaces.computeIfAbsent(name, SioNamespace::new);
    }

    SioNamespace namespace(String name) {
        return namespaces.get(name);
    }

    /** Takes over a new Engine.IO session; pass this as the {@link EioServer}'s open callback. */
    public void attach(EioSocket session) {
        EioServer.listen(session, new SioConnection(this, session));
    }
}
