package org.sessionserver;

import io.netty.util.ResourceLeakDetector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sessionserver.config.ConfigException;
import org.sessionserver.config.LogSetup;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.transport.tls.HangupSignal;

/**
 * {@code java -jar session-server.jar}: reads the environment, starts a node, stops it on SIGTERM; with TLS, reads the
 * certificate again on SIGHUP.
 */
public final class Main {
    /** How long a SIGTERM that comes while the node starts waits for the start, to stop it then. */
    private static final long START_WAIT_S = 30;

    private Main() {
    }

    public static void main(String[] args) {
        quietLeakDetector();
        // The hook exists before the server does, and a SIGTERM during the start waits for it to finish: whenever
        // the signal comes, what was started is drained and closed.
        CompletableFuture<SessionServer> started = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                SessionServer server = started.get(START_WAIT_S, TimeUnit.SECONDS);
                if (server != null) {
                    server.close();
                }
            } catch (ExecutionException | TimeoutException e) {
                // nothing started that could be closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        try {
            ServerConfig config = ServerConfig.fromEnv(System.getenv());
            LogSetup.apply(config.log(), config.nodeId());
            if (config.tls().enabled()) {
                // Certificate rotation without a restart. Handled before the port opens: an unhandled SIGHUP stops
                // the JVM, and a SIGHUP sent as soon as the log says "listening" must find the handler in place.
                HangupSignal.onHangup(() -> started.thenAccept(server -> {
                    if (server != null) {
                        server.reloadTls();
                    }
                }));
            }
            started.complete(SessionServer.start(config));
        } catch (ConfigException e) {
            started.complete(null);
            System.err.println("session-server: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException | Error e) {
            started.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Netty's leak detector samples one buffer in 128 and fills a stack trace for each: 3 % of the CPU of an
     * acknowledged event (perf, 1,000 events/s). Off in a running node unless {@code -Dio.netty.leakDetection.level}
     * asks for it; the tests keep Netty's default (and {@code ConnectSoakIT} runs it paranoid).
     */
    private static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
