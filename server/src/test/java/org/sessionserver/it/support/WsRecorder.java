package org.sessionserver.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A WebSocket client that records every whole message the server sends, in order, as a {@link Frame}, and the end of
 * the connection (close frame or dropped TCP connection). It reads the socket itself ({@link HandWebSocket}, with a
 * reader thread): java.net.http's WebSocket now and then never reported a TCP close
 * that its socket had received (seen in CLOSE-WAIT with nothing unread, about 1 close in 80 under CPU load), which
 * made "the server closes the connection" tests fail although the server had closed it.
 *
 * <p>With {@code autoPong} the recorder answers each Engine.IO ping {@code 2} with a pong {@code 3} itself and does
 * not queue it, so that tests which are not about the heartbeat can run longer than pingInterval + pingTimeout.
 * WebSocket ping frames are always answered, and counted.
 */
public final class WsRecorder implements AutoCloseable {
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(3);
    private static final ExecutorService OPENING = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "ws-recorder-open");
        thread.setDaemon(true);
        return thread;
    });

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

    private final HandWebSocket socket;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final boolean autoPong;
    private final long openedAtNanos;

    private WsRecorder(HandWebSocket socket, boolean autoPong, long openedAtNanos) {
        this.socket = socket;
        this.autoPong = autoPong;
        this.openedAtNanos = openedAtNanos;
        Thread reader = new Thread(this::read, "ws-recorder-read");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens a WebSocket, with any extra request headers ({@code "Name: value"}); fails the test if the server refuses
     * the upgrade.
     */
    public static WsRecorder open(URI uri, boolean autoPong, String... extraHeaders) {
        try {
            return openAsync(uri, autoPong, extraHeaders).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("WebSocket upgrade refused: " + uri, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("WebSocket upgrade did not complete: " + uri, e);
        }
    }

    /**
     * Opens a WebSocket; the future fails with {@link HandWebSocket.UpgradeRefused} (its HTTP status) when the server
     * refuses the upgrade, or another {@link IOException} when the connection closes during it.
     */
    public static CompletableFuture<WsRecorder> openAsync(URI uri, boolean autoPong, String... extraHeaders) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            try {
                return new WsRecorder(HandWebSocket.open(uri.getPort(), pathAndQuery, extraHeaders), autoPong,
                        started);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, OPENING);
    }

    public void sendText(String text) {
        send(HandWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] bytes) {
        send(HandWebSocket.BINARY, bytes);
    }

    /**
     * Sends one frame. A send that fails because the server closed the connection meanwhile is no failure: a server
     * refuses an oversize frame from its header and closes while the rest is still going out; the test looks at the
     * end ({@link #awaitEnd}). Any other failed send is.
     */
    private void send(int opcode, byte[] payload) {
        try {
            socket.send(opcode, true, payload);
        } catch (IOException e) {
            try {
                ended.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException notEnded) {
                throw new AssertionError("WebSocket send failed", e);
            }
        }
    }

    /** Reads until the connection ends: whole messages are queued, pings answered. */
    private void read() {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        try {
            while (true) {
                HandWebSocket.Frame frame = socket.read(Duration.ofHours(1));
                if (frame == null) {
                    continue;
                }
                if (frame.isEnd()) {
                    ended.complete(new Ended(-1, null, new EOFException("connection closed"), System.nanoTime()));
                    return;
                }
                switch (frame.opcode()) {
                    case HandWebSocket.CLOSE -> {
                        byte[] payload = frame.payload();
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        ended.complete(new Ended(payload.length >= 2 ? frame.closeCode() : 1005, reason, null,
                                System.nanoTime()));
                        socket.close();
                        return;
                    }
                    case HandWebSocket.PING -> {
                        pings.incrementAndGet();
                        socket.send(HandWebSocket.PONG, true, frame.payload());
                    }
                    case HandWebSocket.PONG -> {
                        // answers to nothing we sent
                    }
                    default -> {
                        if (frame.opcode() != HandWebSocket.CONTINUATION) {
                            messageOpcode = frame.opcode();
                            message.reset();
                        }
                        message.writeBytes(frame.payload());
                        if (frame.fin()) {
                            onMessage(messageOpcode, message.toByteArray());
                        }
                    }
                }
            }
        } catch (IOException e) {
            ended.complete(new Ended(-1, null, e, System.nanoTime()));
        }
    }

    private void onMessage(int opcode, byte[] payload) throws IOException {
        if (opcode == HandWebSocket.BINARY) {
            frames.add(new Frame(null, payload));
            return;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (autoPong && text.equals("2")) {
            socket.sendText("3");
        } else {
            frames.add(new Frame(text, null));
        }
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

    /** How many WebSocket ping frames the server has sent so far. */
    public int pings() {
        return pings.get();
    }

    /** Frames received so far and not yet read. */
    public List<Frame> unread() {
        return new ArrayList<>(frames);
    }

    /** Asserts the connection has ended and is not still carrying frames. */
    public void assertEnded(Duration wait) {
        assertNotNull(awaitEnd(wait));
    }

    /** Says goodbye with a close frame (1000) unless the connection has ended, then closes the socket. */
    @Override
    public void close() {
        if (!ended.isDone()) {
            try {
                socket.send(HandWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xE8});
            } catch (IOException ignored) {
                // the server may already have gone; nothing to tidy up
            }
        }
        socket.close();
    }
}
