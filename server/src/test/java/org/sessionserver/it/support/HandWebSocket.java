package org.sessionserver.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client written by hand over TCP, for writing any frame at all: bad opcodes, reserved bits, unmasked
 * frames, lying lengths, invalid UTF-8, a header whose payload never comes. Each frame read carries when it came.
 * Optionally a background reader answers pings (WebSocket ping frames, and Engine.IO {@code 2} with {@code 3}) and
 * queues the rest. (Well-behaved clients record what they get with {@link WsRecorder}, built on this class.)
 */
public final class HandWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /**
     * One frame as received, and when ({@link System#nanoTime}); {@link #END} stands for the end of the TCP stream.
     */
    public record Frame(boolean fin, int opcode, byte[] payload, long receivedAt) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        public boolean isEnd() {
            return opcode == -1;
        }

        @Override
        public String toString() {
            return isEnd() ? "END" : opcode == CLOSE ? "CLOSE " + closeCode()
                    : opcode == TEXT ? "TEXT " + shown(text()) : "opcode " + opcode + " " + payload.length + "B";
        }

        private static String shown(String text) {
            String escaped = text.replaceAll("\\p{Cntrl}", "?");
            return escaped.length() > 200 ? escaped.substring(0, 200) + "..." : escaped;
        }
    }

    public static final Frame END = new Frame(true, -1, new byte[0], 0);

    /** The server answered the upgrade request with something other than 101. */
    public static final class UpgradeRefused extends IOException {
        private final String head;

        UpgradeRefused(String head) {
            super("upgrade refused: " + head);
            this.head = head;
        }

        /** The HTTP status of the answer (400, 403...), or -1 when the head is not HTTP. */
        public int status() {
            String[] parts = head.split(" ", 3);
            try {
                return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String head;
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private volatile Thread reader;

    private HandWebSocket(Socket socket, String head) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.head = head;
    }

    /** Opens a WebSocket to {@code pathAndQuery}; throws unless the server answers 101. */
    public static HandWebSocket open(int port, String pathAndQuery, String... extraHeaders) throws IOException {
        return open(new Socket("127.0.0.1", port), port, pathAndQuery, extraHeaders);
    }

    /**
     * As {@link #open(int, String, String...)}, with a small fixed receive window, set before connecting so that the
     * kernel cannot grow it: a client that stops reading then makes the server hold what it sends.
     */
    public static HandWebSocket openWithReceiveBuffer(int port, int receiveBufferBytes, String pathAndQuery)
            throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        return open(socket, port, pathAndQuery);
    }

    private static HandWebSocket open(Socket socket, int port, String pathAndQuery, String... extraHeaders)
            throws IOException {
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        String head = readHead(socket);
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new UpgradeRefused(head);
        }
        return new HandWebSocket(socket, head);
    }

    private static String readHead(Socket socket) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        var input = socket.getInputStream();
        while (true) {
            int b = input.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    public String head() {
        return head;
    }

    // ---- writing

    /** Writes one frame, masked with a random key (or unmasked, which a server must refuse). */
    public synchronized void write(int firstByte, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(firstByte);
        int mask = masked ? 0x80 : 0;
        long length = payload.length;
        if (length < 126) {
            frame.write(mask | (int) length);
        } else if (length <= 0xFFFF) {
            frame.write(mask | 126);
            frame.write((int) (length >>> 8) & 0xFF);
            frame.write((int) length & 0xFF);
        } else {
            frame.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift) & 0xFF);
            }
        }
        byte[] body = payload;
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.write(key);
            body = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                body[i] = (byte) (payload[i] ^ key[i & 3]);
            }
        }
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        write((fin ? 0x80 : 0) | opcode, payload, true);
    }

    public void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A frame header announcing {@code length} bytes, masked, with no payload after it. */
    public synchronized void sendHeaderOnly(int firstByte, long length) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(firstByte);
        header.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            header.write((int) (length >>> shift) & 0xFF);
        }
        header.write(new byte[4]);
        out.write(header.toByteArray());
        out.flush();
    }

    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    // ---- reading

    /** The next frame; {@link #END} at the end of the stream (or a reset); null when none came within {@code timeout}. */
    public Frame read(Duration timeout) throws IOException {
        if (reader != null) {
            try {
                return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return readDirect(timeout);
    }

    private Frame readDirect(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int b0;
        try {
            b0 = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return END;
        }
        if (b0 < 0) {
            return END;
        }
        try {
            socket.setSoTimeout(5_000);
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length > 64 * 1024 * 1024) {
                throw new IOException("absurd frame length " + length);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload, System.nanoTime());
        } catch (EOFException e) {
            return END;
        }
    }

    /**
     * Frames until the connection ends or {@code timeout} passes; the last element is {@link #END} when it ended.
     */
    public java.util.List<Frame> drain(Duration timeout) throws IOException {
        java.util.List<Frame> frames = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return frames;
            }
            Frame frame = read(Duration.ofNanos(Math.max(1_000_000, left)));
            if (frame == null) {
                return frames;
            }
            frames.add(frame);
            if (frame.isEnd()) {
                return frames;
            }
        }
    }

    /**
     * Reads in the background from now on: WebSocket pings are answered with pongs, Engine.IO pings ({@code 2}) with
     * {@code 3} when {@code engineIo}, everything else is queued for {@link #read}.
     */
    public void startReader(boolean engineIo) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Frame frame = readDirect(Duration.ofMinutes(60));
                    if (frame == null) {
                        continue;
                    }
                    if (frame.opcode() == PING) {
                        send(PONG, true, frame.payload());
                        continue;
                    }
                    if (engineIo && frame.opcode() == TEXT && frame.text().equals("2")) {
                        sendText("3");
                        continue;
                    }
                    received.add(frame);
                    if (frame.isEnd()) {
                        return;
                    }
                }
            } catch (IOException e) {
                received.add(END);
            }
        }, "ws-reader");
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    /** Whether a frame containing {@code text} arrives within {@code timeout}, skipping the frames before it. */
    public boolean receivesText(String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = read(Duration.ofMillis(200));
            if (frame != null && frame.isEnd()) {
                return false;
            }
            if (frame != null && frame.text().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the server closes the TCP connection within {@code timeout} (data before the end is skipped). */
    public boolean endsWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (frame != null && frame.isEnd()) {
                return true;
            }
        }
        return false;
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    /** A random but valid-enough mask-free helper for callers composing first bytes. */
    public static int firstByte(boolean fin, int rsv, int opcode) {
        return (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F);
    }
}
