package org.sessionserver.compat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A WebSocket client (java.net.http, no permessage-deflate) that records every whole message the server sends, in
 * order, as a {@link Frame}, and the end of the connection (close frame or dropped TCP connection).
 *
 * <p>With {@code autoPong} the recorder answers each Engine.IO ping {@code 2} with a pong {@code 3} itself and does
 * not queue it, so that tests which are not about the heartbeat can run longer than pingInterval + pingTimeout.
 */
public final class WsRecorder implements AutoCloseable {
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(3);
    /** One HTTP client (one selector thread) for every recorder: tests open thousands of them. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One whole WebSocket message: exactly one of text and binary is set. */
    public record Frame(String text, byte[] binary) {
        public boolean isText() {
            return text != null;
        }

        @Override
        public String toString() {
            return isText() ? "text " + text : "binary " + Arrays.toString(binary);
        }
    }

    /** How the connection ended: a close frame with its status code, or an error such as a dropped connection. */
    public record Ended(int statusCode, String reason, Throwable error, long atNanos) {
    }

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final boolean autoPong;
    private final long openedAtNanos;
    private volatile WebSocket webSocket;
    private CompletableFuture<WebSocket> sendChain = CompletableFuture.completedFuture(null);

    private WsRecorder(boolean autoPong) {
        this.autoPong = autoPong;
        this.openedAtNanos = System.nanoTime();
    }

    /** Opens a WebSocket; fails the test if the server refuses the upgrade. */
    public static WsRecorder open(URI uri, boolean autoPong) {
        try {
            return openAsync(uri, autoPong).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("WebSocket upgrade refused: " + uri, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("WebSocket upgrade did not complete: " + uri, e);
        }
    }

    /** Opens a WebSocket; the future fails (WebSocketHandshakeException) if the server refuses the upgrade. */
    public static CompletableFuture<WsRecorder> openAsync(URI uri, boolean autoPong) {
        WsRecorder recorder = new WsRecorder(autoPong);
        return HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, recorder.new Listener())
                .thenApply(ws -> {
                    recorder.webSocket = ws;
                    return recorder;
                });
    }

    public void sendText(String text) {
        join(enqueue(ws -> ws.sendText(text, true)));
    }

    public void sendBinary(byte[] bytes) {
        join(enqueue(ws -> ws.sendBinary(ByteBuffer.wrap(bytes), true)));
    }

    /** java.net.http allows one outstanding send at a time: chain them (the auto-pong sends from the reader). */
    private synchronized CompletableFuture<WebSocket> enqueue(Function<WebSocket, CompletableFuture<WebSocket>> send) {
        CompletableFuture<WebSocket> next = sendChain.handle((ws, error) -> null)
                .thenCompose(ignored -> send.apply(webSocket));
        sendChain = next;
        return next;
    }

    /** The next frame, whatever it is, or an assertion failure if none comes in time. */
    public Frame next(Duration wait) {
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            Frame frame = null;
            // stop early once the connection has ended and nothing more is queued
            while (frame == null && System.nanoTime() < deadline && !(ended.isDone() && frames.isEmpty())) {
                frame = frames.poll(Math.min(50, wait.toMillis()), TimeUnit.MILLISECONDS);
            }
            if (frame == null) {
                frame = frames.poll();
            }
            if (frame == null) {
                fail("no frame within " + wait + (ended.isDone() ? "; connection ended: " + ended.join() : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Frame next() {
        return next(DEFAULT_WAIT);
    }

    /** The next frame, which must be a text frame. */
    public String nextText() {
        return nextText(DEFAULT_WAIT);
    }

    public String nextText(Duration wait) {
        Frame frame = next(wait);
        if (!frame.isText()) {
            fail("expected a text frame, got " + frame);
        }
        return frame.text();
    }

    /** The next frame, which must be a binary frame. */
    public byte[] nextBinary() {
        Frame frame = next(DEFAULT_WAIT);
        if (frame.isText()) {
            fail("expected a binary frame, got " + frame);
        }
        return frame.binary();
    }

    /** The first text frame that matches, skipping the others, or null when none comes within {@code wait}. */
    public String nextTextMatching(Predicate<String> wanted, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Frame frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && frame.isText() && wanted.test(frame.text())) {
                    return frame.text();
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts that the next frame is exactly this text. */
    public void expectText(String expected) {
        assertEquals(expected, nextText(), "text frame");
    }

    /** Reads the Engine.IO open packet {@code 0{...}} and returns its JSON text. */
    public String expectOpenPacket() {
        String open = nextText();
        if (!open.startsWith("0{")) {
            fail("expected the Engine.IO open packet, got " + open);
        }
        return open.substring(1);
    }

    /** Waits until the connection ends (close frame or dropped), failing if it is still open after {@code wait}. */
    public Ended awaitEnd(Duration wait) {
        try {
            return ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            List<Frame> seen = new ArrayList<>(frames);
            throw new AssertionError("connection still open after " + wait + "; unread frames " + seen);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Milliseconds from the start of the upgrade request to the end of the connection. */
    public long millisOpenUntil(Ended end) {
        return TimeUnit.NANOSECONDS.toMillis(end.atNanos() - openedAtNanos);
    }

    /**
     * The next text frame, or null if the connection ends (or nothing comes) first; for tests where closing is one
     * of the acceptable outcomes.
     */
    public String nextTextOrEnd(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Frame frame = frames.poll(50, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    if (!frame.isText()) {
                        fail("expected a text frame, got " + frame);
                    }
                    return frame.text();
                }
                if (ended.isDone() && frames.isEmpty()) {
                    return null;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public boolean isEnded() {
        return ended.isDone();
    }

    /** Frames received so far and not yet read. */
    public List<Frame> unread() {
        return new ArrayList<>(frames);
    }

    /** Asserts the connection has ended and is not still carrying frames. */
    public void assertEnded(Duration wait) {
        assertNotNull(awaitEnd(wait));
    }

    @Override
    public void close() {
        WebSocket ws = webSocket;
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the server may already have gone; nothing to tidy up
            }
        }
        if (ws != null) {
            ws.abort();
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw new AssertionError("WebSocket send failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("WebSocket send did not complete", e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket ws) {
            webSocket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (autoPong && message.equals("2")) {
                    enqueue(socket -> socket.sendText("3", true));
                } else {
                    frames.add(new Frame(message, null));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                frames.add(new Frame(null, binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended.complete(new Ended(statusCode, reason, null, System.nanoTime()));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.complete(new Ended(-1, null, error, System.nanoTime()));
        }
    }
}
