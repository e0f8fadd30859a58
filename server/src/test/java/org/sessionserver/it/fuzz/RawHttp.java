package org.sessionserver.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 by hand over TCP: writes any bytes at all as a request (bad methods, garbage request lines, lying
 * lengths) and reads exactly one response, to tell "a valid response", "closed without one" and "nothing in time".
 */
public final class RawHttp {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [^\r\n]*");

    /** What came back: a response ({@code status > 0}), or {@link #CLOSED} / {@link #TIMEOUT} / {@link #INVALID}. */
    public record Response(int status, Map<String, String> headers, byte[] body, String problem) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean isResponse() {
            return status > 0;
        }

        @Override
        public String toString() {
            return status > 0 ? status + " " + headers.getOrDefault("content-type", "") + " " + Mutations.show(text())
                    : problem;
        }
    }

    public static final int CLOSED = -1;
    public static final int TIMEOUT = -2;
    public static final int INVALID = -3;

    private RawHttp() {
    }

    /**
     * Sends {@code request}, optionally half-closes (so that the server sees the end of a truncated request), and
     * reads one response (skipping 100 Continue).
     */
    public static Response exchange(int port, byte[] request, boolean halfClose, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer (413, 400) and close before taking it all: read what it said
            }
            boolean head = request.length >= 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
            return read(socket.getInputStream(), System.nanoTime() + timeout.toNanos(), socket, head);
        }
    }

    /** One response; {@code headOnly} for the answer to a HEAD request (no body, whatever Content-Length says). */
    public static Response read(InputStream in, long deadline, Socket socket, boolean headOnly) throws IOException {
        while (true) {
            Response response = readOne(in, deadline, socket, headOnly);
            if (response.status() != 100) {
                return response;
            }
        }
    }

    private static Response readOne(InputStream in, long deadline, Socket socket, boolean headOnly)
            throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (true) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                int b = in.read();
                if (b < 0) {
                    return problem(head.size() == 0 ? CLOSED : INVALID, head.size() == 0 ? "closed without a response"
                            : "closed in the middle of a response head: " + Mutations.show(head.toString(StandardCharsets.ISO_8859_1)));
                }
                head.write(b);
                byte[] bytes = head.toByteArray();
                int n = bytes.length;
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                    break;
                }
                if (n > 64 * 1024) {
                    return problem(INVALID, "response head over 64 KiB");
                }
            }
        } catch (SocketTimeoutException e) {
            return problem(TIMEOUT, "no response in time" + (head.size() > 0 ? " (partial head " + head.size() + " bytes)" : ""));
        } catch (IOException e) {
            return problem(head.size() == 0 ? CLOSED : INVALID, "reset: " + e.getMessage());
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        Matcher status = STATUS_LINE.matcher(lines[0]);
        if (!status.matches()) {
            return problem(INVALID, "bad status line: " + Mutations.show(lines[0]));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return problem(INVALID, "bad header line: " + Mutations.show(lines[i]));
            }
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int code = Integer.parseInt(status.group(1));
        if (headOnly || code == 100 || code == 101 || code == 204 || code == 304) {
            return new Response(code, headers, new byte[0], null);
        }
        String length = headers.get("content-length");
        if (length == null) {
            return problem(INVALID, code + " without Content-Length: " + headers);
        }
        byte[] body = new byte[Integer.parseInt(length)];
        int read = 0;
        try {
            while (read < body.length) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    return problem(INVALID, code + ": body cut at " + read + " of " + body.length + " bytes");
                }
                read += n;
            }
        } catch (SocketTimeoutException e) {
            return problem(TIMEOUT, code + ": body not complete in time");
        }
        return new Response(code, headers, body, null);
    }

    private static Response problem(int kind, String problem) {
        return new Response(kind, Map.of(), new byte[0], problem);
    }
}
