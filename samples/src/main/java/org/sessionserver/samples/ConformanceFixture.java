package org.sessionserver.samples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Map;
import org.sessionserver.transport.TransportServer;
import org.sessionserver.transport.engineio.CorsPolicy;
import org.sessionserver.transport.engineio.EngineIoOptions;
import org.sessionserver.transport.engineio.EngineServer;
import org.sessionserver.transport.http.HttpRouter;
import org.sessionserver.transport.socketio.ConnectRefusedException;
import org.sessionserver.transport.socketio.SioNamespace;
import org.sessionserver.transport.socketio.SioOptions;
import org.sessionserver.transport.socketio.SioServer;

/**
 * The fixture that the public Socket.IO v5 protocol test suites expect (DESIGN.md, "Conformance fixture"), on the
 * server's own transport code. Three additions serve our compat tests and are never triggered by those suites:
 * auth {@code {"reject":true}} is refused as the server refuses a bad token, {@code request-client-ack} asks the
 * client for an ack and reports it as {@code client-ack-result}, and {@code disconnect-me} disconnects the socket.
 */
public final class ConformanceFixture implements AutoCloseable {
    public static final int MAX_PAYLOAD = 1_000_000;

    private final EngineServer engine;
    private final TransportServer transport;

    private ConformanceFixture(EngineServer engine, TransportServer transport) {
        this.engine = engine;
        this.transport = transport;
    }

    public static ConformanceFixture start(int port) {
        SioServer sio = new SioServer(SioOptions.forMaxPayload(1000, MAX_PAYLOAD));
        fixture(sio.of("/"));
        fixture(sio.of("/custom"));
        EngineServer engine = new EngineServer(
                new EngineIoOptions("/socket.io/", 300, 200, MAX_PAYLOAD, CorsPolicy.ANY_ORIGIN), sio::attach);
        HttpRouter router = new HttpRouter(engine, Map.of(), CorsPolicy.ANY_ORIGIN);
        return new ConformanceFixture(engine, TransportServer.start("0.0.0.0", port, 2, router, MAX_PAYLOAD));
    }

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
                .onConnect(socket -> socket.emit("auth", socket.handshake().auth()))
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

    public int port() {
        return transport.port();
    }

    @Override
    public void close() {
        engine.closeAll("server shutting down");
        transport.close();
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3000"));
        ConformanceFixture fixture = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(fixture::close));
        System.out.println("listening " + fixture.port());
    }
}
