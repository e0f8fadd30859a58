package org.sessionserver.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Engine.IO v4 long-polling by hand over java.net.http (HTTP/1.1 only, so no h2c upgrade headers are ever sent),
 * in the style of socket.io's own {@code eioHandshake}/{@code eioPush}/{@code eioPoll} test helpers, to see packets
 * byte for byte, which the Java client does not show (it parses them into JSONObjects). By sid, or through one
 * {@link Session} that keeps its sid and the packets of a poll not read yet.
 */
public final class EioPolling {
    public static final String PATH = "/socket.io/";
    public static final String RECORD_SEPARATOR = "\u001e";
    private static final String PING = "2";
    private static final String PONG = "3";

    /** A whole HTTP response; the body decoded as UTF-8. */
    public record Response(int status, String body, HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonNode json() {
            return EioPolling.json(body);
        }

        /** Asserts an Engine.IO error: this status and the JSON body {@code {"code":N,"message":"..."}}. */
        public void assertError(int expectedStatus, int expectedCode, String expectedMessage) {
            assertEquals(expectedStatus, status, "status; body " + body);
            JsonNode error = json();
            assertEquals(List.of("code", "message"), fieldNames(error), "error body " + body);
            assertEquals(expectedCode, error.get("code").asInt(), "error code; body " + body);
            assertTrue(error.get("code").isInt(), "code is a number: " + body);
            assertEquals(expectedMessage, error.get("message").asText(), "error message; body " + body);
        }
    }

    private final HttpClient http;
    private final String base;

    /** Polls the server at {@code httpUrl} ({@code http://host:port}). */
    public EioPolling(String httpUrl) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.base = httpUrl + PATH;
    }

    /** Opens an Engine.IO session (no namespace connected yet) to poll and push through. */
    public Session open() {
        return new Session(handshake());
    }

    /** Opens a polling session; returns its sid after checking the open packet is well formed. */
    public String handshake() {
        Response response = get("EIO=4&transport=polling");
        assertEquals(200, response.status(), "handshake status; body " + response.body());
        assertTrue(response.body().startsWith("0{"), "open packet: " + response.body());
        return json(response.body().substring(1)).get("sid").asText();
    }

    public Response poll(String sid) {
        return get("EIO=4&transport=polling&sid=" + sid);
    }

    public CompletableFuture<Response> pollAsync(String sid) {
        return sendAsync(request("GET", "EIO=4&transport=polling&sid=" + sid, null, Map.of()));
    }

    /** POSTs a payload (packets joined by \x1e) and asserts the answer is exactly {@code ok}. */
    public void push(String sid, String payload) {
        Response response = post("EIO=4&transport=polling&sid=" + sid, payload);
        assertEquals(200, response.status(), "push status; body " + response.body());
        assertEquals("ok", response.body(), "push answer");
    }

    public Response get(String query) {
        return send("GET", query, null, Map.of());
    }

    public Response post(String query, String body) {
        return send("POST", query, body, Map.of());
    }

    public Response send(String method, String query, String body, Map<String, String> headers) {
        return await(sendAsync(request(method, query, body, headers)));
    }

    public CompletableFuture<Response> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Response(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r.headers()));
    }

    public HttpRequest request(String method, String query, String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "?" + query))
                .timeout(Duration.ofSeconds(5));
        // what browsers and socket.io-client send with a POST
        if (body != null) {
            builder.header("Content-Type", "text/plain;charset=UTF-8");
        }
        headers.forEach(builder::header);
        builder.method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return builder.build();
    }

    /**
     * Polls until {@code count} packets other than pings have arrived, answering each ping with a pong, and returns
     * them in order (a binary packet stays in its {@code b<base64>} form).
     */
    public List<String> pollPackets(String sid, int count) {
        List<String> packets = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (packets.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("only " + packets + " within 5 s, wanted " + count + " packets");
            }
            for (String packet : pollOk(sid)) {
                if (packet.equals(PING)) {
                    push(sid, PONG);
                } else {
                    packets.add(packet);
                }
            }
        }
        assertEquals(count, packets.size(), "packets " + packets);
        return packets;
    }

    /** One poll's packets, pings included; fails unless the poll is answered 200. */
    private List<String> pollOk(String sid) {
        Response response = poll(sid);
        assertEquals(200, response.status(), "poll status; body " + response.body());
        return split(response.body());
    }

    public static List<String> split(String payload) {
        return Arrays.asList(payload.split(RECORD_SEPARATOR, -1));
    }

    public static Response await(CompletableFuture<Response> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no HTTP response in time", e);
        }
    }

    /** The JSON of a packet body, as {@link TestServer#json} reads it. */
    public static JsonNode json(String text) {
        return TestServer.json(text);
    }

    public static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    /** One session: packets pushed, and packets read one at a time with pings answered on the way. */
    public final class Session {
        private final String sid;
        private final Deque<String> unread = new ArrayDeque<>();

        private Session(String sid) {
            this.sid = sid;
        }

        public String sid() {
            return sid;
        }

        /** POSTs one or more packets; returns the HTTP status. */
        public int push(String... packets) {
            return post("EIO=4&transport=polling&sid=" + sid, String.join(RECORD_SEPARATOR, packets)).status();
        }

        /** The next packet other than a ping (pings are answered), waiting up to 5 s. */
        public String next() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (unread.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("no packet within 5 s");
                }
                for (String packet : pollOk(sid)) {
                    if (packet.equals(PING)) {
                        push(PONG);
                    } else if (!packet.isEmpty()) {
                        unread.add(packet);
                    }
                }
            }
            return unread.poll();
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
    }
}
