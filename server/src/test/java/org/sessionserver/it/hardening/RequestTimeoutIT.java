package org.sessionserver.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.it.support.TestServer;

/**
 * HTTP connections must deliver each whole request within {@code HTTP_REQUEST_TIMEOUT_MS} (500 ms here) of connecting
 * or of their last answer: silent, trickling (slowloris) and idle keep-alive connections are closed; a long poll,
 * which waits for the server, is not cut, nor is a WebSocket once upgraded.
 */
class RequestTimeoutIT {
    private static final long TIMEOUT_MS = 500;
    private static TestServer server;

    @BeforeAll
    static void start() {
        // The poll waits up to the ping interval: three times the request timeout.
        server = TestServer.start("HTTP_REQUEST_TIMEOUT_MS", String.valueOf(TIMEOUT_MS), "PING_INTERVAL_MS", "1500",
                "PING_TIMEOUT_MS", "1000");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void silentConnectionIsClosed() throws Exception {
        try (Socket client = connect()) {
            long start = System.nanoTime();
            assertEquals(-1, readOrEnd(client.getInputStream()), "the server sent something to a silent client");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= TIMEOUT_MS - 100, "closed after " + elapsedMs + " ms, before the timeout");
        }
    }

    @Test
    void requestTrickledAByteAtATimeIsCutOff() throws Exception {
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            // A header byte every 100 ms: never idle, never done. Up to 3 s.
            for (int i = 0; i < 30 && !closed; i++) {
                try {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                    closed = isClosed(client);
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed, "the trickling request was never cut off");
            assertTrue(elapsedMs < 2_000, "cut off only after " + elapsedMs + " ms");
        }
    }

    @Test
    void keepAliveConnectionServesRequestsThenClosesWhenIdle() throws Exception {
        try (Socket client = connect()) {
            for (int i = 0; i < 3; i++) {
                get(client, "/health");
                String response = readResponse(client.getInputStream());
                assertEquals(200, status(response));
                assertTrue(response.toLowerCase().contains("\r\nkeep-alive: timeout=1\r\n"),
                        "keep-alive answers say how long the server keeps the connection: " + response);
                Thread.sleep(TIMEOUT_MS / 2); // idle, but less than the limit each time
            }
            long start = System.nanoTime();
            assertEquals(-1, readOrEnd(client.getInputStream()));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs < 2_000, "idle connection closed only after " + elapsedMs + " ms");
        }
    }

    @Test
    void longPollWaitingForTheServerIsNotCut() throws Exception {
        try (Socket client = connect()) {
            get(client, "/socket.io/?EIO=4&transport=polling");
            String open = readResponse(client.getInputStream());
            Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open);
            assertTrue(sid.find(), open);
            long start = System.nanoTime();
            get(client, "/socket.io/?EIO=4&transport=polling&sid=" + sid.group(1));
            String poll = readResponse(client.getInputStream());
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, status(poll), poll);
            assertTrue(poll.endsWith("\r\n\r\n2"), "the poll should carry the ping: " + poll);
            assertTrue(elapsedMs >= 1_000, "the poll was answered after " + elapsedMs + " ms, before the ping");
        }
    }

    @Test
    void webSocketOutlivesTheRequestTimeout() throws Exception {
        BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                texts.add(data.toString());
                socket.request(1);
                return null;
            }
        };
        WebSocket ws = server.httpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws?token=patient"), listener)
                .get(5, TimeUnit.SECONDS);
        Thread.sleep(3 * TIMEOUT_MS);
        ws.sendText("{\"type\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
        String pong = null;
        for (String text; pong == null && (text = texts.poll(5, TimeUnit.SECONDS)) != null; ) {
            pong = text.contains("\"pong\"") ? text : null;
        }
        assertTrue(pong != null, "no pong after " + 3 * TIMEOUT_MS + " ms open: " + texts);
        ws.abort();
    }

    private static Socket connect() throws IOException {
        Socket client = new Socket("127.0.0.1", server.port());
        client.setSoTimeout(5_000);
        return client;
    }

    private static void get(Socket client, String path) throws IOException {
        client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
    }

    /** The next byte, or -1 when the server closed (a reset counts as closed). */
    private static int readOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    private static boolean isClosed(Socket client) throws IOException {
        client.setSoTimeout(1);
        try {
            return readOrEnd(client.getInputStream()) == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } finally {
            client.setSoTimeout(5_000);
        }
    }

    /** One whole HTTP response (headers and a Content-Length body) as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a response: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        int size = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return headers + new String(in.readNBytes(size), StandardCharsets.UTF_8);
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
