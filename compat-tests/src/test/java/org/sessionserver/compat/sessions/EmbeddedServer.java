package org.sessionserver.compat.sessions;

import java.util.Map;
import org.sessionserver.SessionServer;
import org.sessionserver.config.ServerConfig;

/**
 * The real session server in-process, as the client session ITs need it: the embedded default (in-memory bus and
 * directory, built-in echo engine, {@code AUTH_MODE=token} so the token is the participant id), on a free port, with
 * an engine key, a known node id and {@code MAX_MESSAGE_SIZE=2048} (so that the scripts can send an event one byte
 * over it cheaply).
 */
final class EmbeddedServer implements AutoCloseable {
    static final String ENGINE_KEY = "compat-engine-key-0123456789";
    static final int MAX_MESSAGE_SIZE = 2048;

    private final SessionServer server;
    private final String nodeId;

    private EmbeddedServer(SessionServer server, String nodeId) {
        this.server = server;
        this.nodeId = nodeId;
    }

    /** Starts a node named {@code nodeId}. */
    static EmbeddedServer start(String nodeId) {
        return start(nodeId, Map.of());
    }

    /** Starts a node named {@code nodeId} with more settings. */
    static EmbeddedServer start(String nodeId, Map<String, String> settings) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PORT", "0",
                "NODE_ID", nodeId,
                "ENGINE_KEY", ENGINE_KEY,
                "MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_SIZE)));
        env.putAll(settings);
        return new EmbeddedServer(SessionServer.start(ServerConfig.fromEnv(env)), nodeId);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    String engineKey() {
        return ENGINE_KEY;
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public void close() {
        server.close();
    }
}
