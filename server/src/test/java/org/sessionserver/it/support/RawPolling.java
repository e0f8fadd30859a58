package org.sessionserver.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * One Engine.IO v4 long-polling session by hand over java.net.http, to see packets byte for byte, which the Java
 * client does not show (it parses them into JSONObjects).
 */
public final class RawPolling {
    private static final String SEPARATOR = "\u001e";

    private final HttpClient http;
    private final String base;
    private final String sid;
    private final Deque<String> pending = new ArrayDeque<>();

    private RawPolling(HttpClient http, String base, String sid) {
        this.http = http;
        this.base = base;
        this.sid = sid;
    }

    /** Opens an Engine.IO session (no namespace connected yet). */
    public static RawPolling open(TestServer server) {
        HttpClient http = server.httpClient();
        String base = server.url() + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create(base)).timeout(TestServer.WAIT)
                .GET().build());
        assertEquals(200, response.statusCode(), "handshake: " + response.body());
        assertTrue(response.body().startsWith("0{"), "open packet: " + response.body());
        String sid = TestServer.json(response.body().substring(1)).get("sid").asText();
        return new RawPolling(http, base, sid);
    }

    /** POSTs one or more packets; returns the HTTP status. */
    public int push(String... packets) {
        HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create(base + "&sid=" + sid))
                .timeout(TestServer.WAIT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(String.join(SEPARATOR, packets), StandardCharsets.UTF_8))
                .build());
        return response.statusCode();
    }

    /** The next packet other than a ping (pings are answered), waiting up to {@link TestServer#WAIT}. */
    public String next() {
        long deadline = System.nanoTime() + TestServer.WAIT.toNanos();
        while (pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("no packet within " + TestServer.WAIT.toMillis() + " ms");
            }
            HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create(base + "&sid=" + sid))
                    .timeout(TestServer.WAIT).GET().build());
            assertEquals(200, response.statusCode(), "poll: " + response.body());
            for (String packet : response.body().split(SEPARATOR, -1)) {
                if (packet.equals("2")) {
                    push("3");
                } else if (!packet.isEmpty()) {
                    pending.add(packet);
                }
            }
        }
        return pending.poll();
    }

    /** Packets up to and including the first that matches; fails if none does in time. */
    public List<String> until(Predicate<String> match) {
        List<String> seen = new ArrayList<>();
        while (true) {
            String packet = next();
            seen.add(packet);
            if (match.test(packet)) {
                return seen;
            }
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
