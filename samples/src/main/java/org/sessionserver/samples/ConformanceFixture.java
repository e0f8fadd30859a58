package org.sessionserver.samples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sessionserver.transport.TransportServer;
import org.sessionserver.transport.engineio.EioOptions;
import org.sessionserver.transport.engineio.EioServer;
import org.sessionserver.transport.engineio.EioSocket;
import org.sessionserver.transport.engineio.EioSocketListener;
import org.sessionserver.transport.http.CorsPolicy;
import org.sessionserver.transport.http.HttpRoute;
import org.sessionserver.transport.http.HttpRouter;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioOptions;
import org.sessionserver.transport.socketio.SioServer;
import org.sessionserver.transport.socketio.SioSocket;

/**
 * The fixture that the public Socket.IO v5 protocol test suites expect (DESIGN.md, "Conformance fixture"), on the
 * server's own transport code. Three additions serve our compat tests and are never triggered by those suites:
 * auth {@code {"reject":true}} is refused as the server refuses a bad token, {@code request-client-ack} asks the
 * client for an ack and reports it as {@code client-ack-result}, and {@code disconnect-me} disconnects the socket.
 * On {@code /engine.io/}, a bare Engine.IO v4 server with the same timings echoes every message, text or binary, for
 * the public Engine.IO v4 test suite.
 */
public final class ConformanceFixture implements AutoCloseable {
    public static final int MAX_PAYLOAD = 1_000_000;
    /** How long after its CONNECT reply a socket gets its {@code auth} event (see {@link #emitAuthSoon}). */
    static final long AUTH_DELAY_MS = 20;

    private final List<EioServer> engines;
    private final TransportServer transport;

    private ConformanceFixture(List<EioServer> engines, TransportServer transport) {
        this.engines = engines;
        this.transport = transport;
    }

    public static ConformanceFixture start(int port) {
        SioServer sio = new SioServer(SioOptions.forMaxPayload(1000, MAX_PAYLOAD));
        fixture(sio.of("/"));
        fixture(sio.of("/custom"));
        EioServer socketIo = new EioServer(
                new EioOptions("/socket.io/", 300, 200, MAX_PAYLOAD, CorsPolicy.ANY_ORIGIN), sio::attach);
        EioServer engineIo = new EioServer(
                new EioOptions("/engine.io/", 300, 200, MAX_PAYLOAD, CorsPolicy.ANY_ORIGIN),
                session -> EioServer.listen(session, ECHO));
        Map<String, HttpRoute> routes = new HashMap<>();
        for (EioServer engine : List.of(socketIo, engineIo)) {
            engine.paths().forEach(path -> routes.put(path, engine));
        }
        HttpRouter router = new HttpRouter(routes, CorsPolicy.ANY_ORIGIN);
        return new ConformanceFixture(List.of(socketIo, engineIo),
                TransportServer.start("0.0.0.0", port, 2, router, MAX_PAYLOAD));
    }

    /** The bare Engine.IO endpoint: every message goes back as it came, text as text, binary as binary. */
    private static final EioSocketListener ECHO = new EioSocketListener() {
        @Override
        public void onMessage(EioSocket socket, String text) {
            socket.sendMessage(text);
        }

        @Override
        public void onBinary(EioSocket socket, byte[] data) {
            socket.sendMessages(List.of(data));
        }

        @Override
        public void onClose(EioSocket socket, String reason) {
        }
    };

    private static void fixture(SioNamespace namespace) {
        namespace
                .gate(handshake -> {
                    // asBoolean: socket.io-client-java can only send string values ("true").
                    if (handshake.auth().path("reject").asBoolean(false)) {
                        throw new ConnectRefusedException("unauthorized",
                                JsonNodeFactory.instance.objectNode().put("code", "unauthorized"));
                    }
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                })
                .onConnect(ConformanceFixture::emitAuthSoon)
                .on("message", (socket, event, args, ack) -> socket.emitArgs("message-back", args))
                .on("message-with-ack", (socket, event, args, ack) -> {
                    if (ack != null) {
                        ack.sendArgs(args);
                    }
                })
                .on("request-client-ack", (socket, event, args, ack) ->
                        socket.requestArgs("client-ack-request", Duration.ofSeconds(5), args)
                                .thenAccept(reply -> socket.emitArgs("client-ack-result", reply)))
                .on("disconnect-me", (socket, event, args, ack) -> socket.disconnect(false));
    }

    /**
     * Emits {@code auth} a moment after the CONNECT reply, not in the same write burst. The public Socket.IO suite
     * waits for each frame with a one-shot listener added after the previous one fired, and its WebSocket client (ws
     * 8.5) emits every frame of one TCP read in the same tick: a frame that arrives in the read of the one before it
     * is lost to the suite. Sent together, the two shared a read in 50-60 % of connections here (socket.io's own
     * server: 22-31 %), failing the suite's custom-namespace tests, which check the {@code auth} frame.
     */
    private static void emitAuthSoon(SioSocket socket) {
        socket.eio().loop().schedule(() -> socket.emit("auth", socket.handshake().auth()),
                AUTH_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    public int port() {
        return transport.port();
    }

    @Override
    public void close() {
        engines.forEach(engine -> engine.closeAll("server shutting down"));
        transport.close();
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
        ConformanceFixture fixture = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(fixture::close));
        System.out.println("listening " + fixture.port());
    }
}
