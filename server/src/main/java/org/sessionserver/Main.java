package org.sessionserver;

import java.util.concurrent.atomic.AtomicReference;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.LogSetup;
import org.sessionserver.config.ServerConfig;

/** {@code java -jar session-server.jar}: reads the environment, starts a node, stops it on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // The hook exists before the server does: a SIGTERM at any moment after this line drains what was started.
        AtomicReference<SessionServer> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SessionServer server = running.get();
            if (server != null) {
                server.close();
            }
        }, "shutdown"));
        try {
            ServerConfig config = ServerConfig.fromEnv(System.getenv());
            LogSetup.apply(config.log(), config.nodeId());
            running.set(SessionServer.start(config));
        } catch (ConfigException e) {
            System.err.println("session-server: " + e.getMessage());
            System.exit(2);
        }
    }
}
