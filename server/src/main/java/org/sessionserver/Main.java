package org.sessionserver;

import org.sessionserver.config.ConfigException;
import org.sessionserver.config.LogSetup;
import org.sessionserver.config.ServerConfig;

/** {@code java -jar session-server.jar}: reads the environment, starts a node, stops it on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        ServerConfig config;
        SessionServer server;
        try {
            config = ServerConfig.fromEnv(System.getenv());
            LogSetup.apply(config.log(), config.nodeId());
            server = SessionServer.start(config);
        } catch (ConfigException e) {
            System.err.println("session-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
    }
}
