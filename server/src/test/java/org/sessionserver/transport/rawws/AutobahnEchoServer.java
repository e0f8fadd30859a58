package org.sessionserver.transport.rawws;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.sessionserver.transport.TransportServer;
import org.sessionserver.transport.http.CorsPolicy;
import org.sessionserver.transport.http.HttpRouter;

/**
 * The target of Autobahn|Testsuite's fuzzing client (profile {@code autobahn}, started by its Maven plugin with the
 * port as the only argument): the raw WebSocket transport of {@code /ws}, with an echo listener instead of the
 * session protocol, because the suite expects every message echoed. It connects to {@code /}.
 */
public final class AutobahnEchoServer {
    /** Large enough for every case run here (case 9, up to 16 MiB, is run by hand). */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024 + 1024;

    private AutobahnEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        RawWebSocketEndpoint echo = new RawWebSocketEndpoint(new RawSocketListener() {
            @Override
            public void onOpen(RawSocket socket) {
            }

            @Override
            public void onText(RawSocket socket, String text) {
                socket.sendText(text);
            }

            @Override
            public void onBinary(RawSocket socket, byte[] data) {
                socket.sendBinary(data);
            }

            @Override
            public void onClose(RawSocket socket) {
            }
        }, MAX_MESSAGE, 600_000, 600_000, CorsPolicy.ANY_ORIGIN);
        HttpRouter router = new HttpRouter(Map.of("/", echo, "/ws", echo), CorsPolicy.ANY_ORIGIN);
        TransportServer.start("0.0.0.0", port, 2, router, MAX_MESSAGE);
        new CountDownLatch(1).await();
    }
}
