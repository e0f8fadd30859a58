package org.sessionserver.it.support;

import com.nimbusds.jose.jwk.JWK;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An identity provider's JWKS endpoint on loopback (the JDK's HttpServer): serves the public keys the test says,
 * counts the fetches, and can hold them unanswered (a slow endpoint) or stop (a dead one).
 */
public final class JwksEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jwks-endpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicLong lastFetchNanos = new AtomicLong();
    private volatile CountDownLatch gate;

    private JwksEndpoint(List<? extends JWK> keys) throws IOException {
        serve(keys);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/jwks", this::answer);
        server.setExecutor(threads);
        server.start();
    }

    public static JwksEndpoint start(List<? extends JWK> keys) {
        try {
            return new JwksEndpoint(keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        lastFetchNanos.set(System.nanoTime());
        fetches.incrementAndGet();
        CountDownLatch held = gate;
        if (held != null) {
            try {
                held.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** From now on the set holds these keys (their public parts). */
    public void serve(List<? extends JWK> keys) {
        body.set(JwtTokens.jwks(keys));
    }

    public int fetches() {
        return fetches.get();
    }

    /** Waits until at least {@code count} fetches arrived. */
    public void awaitFetches(int count) {
        Await.until(() -> fetches.get() >= count, Duration.ofSeconds(10), () -> "JWKS fetch number " + count);
    }

    /** Waits until {@code interval} has passed since the last fetch arrived (so that the next may happen). */
    public void awaitQuietFor(Duration interval) {
        Await.until(() -> System.nanoTime() - lastFetchNanos.get() > interval.toNanos() + 100_000_000L,
                interval.plusSeconds(10), () -> "the refetch interval since the last JWKS fetch");
    }

    /** How long ago the last fetch arrived. */
    public Duration sinceLastFetch() {
        return Duration.ofNanos(System.nanoTime() - lastFetchNanos.get());
    }

    /** Fetches from now on arrive but get no answer until {@link #release}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch held = gate;
        gate = null;
        if (held != null) {
            held.countDown();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
