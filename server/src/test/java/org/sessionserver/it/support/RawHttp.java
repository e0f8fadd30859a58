package org.sessionserver.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sessionserver.it.fuzz.Mutations;

/**
 * HTTP/1.1 by hand over TCP, for what java.net.http hides. One shot ({@link #exchange}): any bytes at all as a
 * request (bad methods, garbage request lines, lying lengths) and exactly one response, to tell "a valid response",
 * "closed without one" and "nothing in time". Keep-alive (an instance): several requests on one connection, to see
 * whether the server keeps its word about {@code Connection: keep-alive}.
 */
public final class RawHttp implements AutoCloseable {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [^\r\n]*");
    private static final Duration KEEP_ALIVE_WAIT = Duration.ofSeconds(5);

    public static final int CLOSED = -1;
    public static final int TIMEOUT = -2;
    public static final int INVALID = -3;

    /**
     * What came back: a response ({@code status > 0}; header names in lower case), or {@link #CLOSED} /
     * {@link #TIMEOUT} / {@link #INVALID} with the problem.
     */
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

        /** HTTP/1.1 is persistent unless the server says {@code Connection: close}. */
        public boolean claimsKeepAlive() {
            String connection = header("connection");
            return connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
        }

        @Override
        public String toString() {
            return status > 0 ? status + " " + headers.getOrDefault("content-type", "") + " " + Mutations.show(text())
                    : problem;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;

    /** Opens one connection for {@link #send} and {@link #read}, request after request. */
    public RawHttp(int port) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.socket.setSoTimeout((int) KEEP_ALIVE_WAIT.toMillis());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.host = "127.0.0.1:" + port;
    }

    /**
     * Sends {@code request}, optionally half-closes (so that the server sees the end of a truncated request), and
     * reads one response (skipping 100 Continue) on a connection of its own.
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
            return read(socket.getInputStream(), System.nanoTime() + timeout.toNanos(), socket, head, true);
        }
    }

    /** Sends one request asking for keep-alive; a body is sent with its Content-Length. */
    public void send(String method, String pathAndQuery, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Connection: keep-alive\r\n")
                .append("Accept: */*\r\n");
        if (body != null) {
            head.append("Content-Type: text/plain;charset=UTF-8\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    /**
     * Reads one whole response on this connection (Content-Length, chunked, or up to the end of the connection);
     * throws if the connection ends, or nothing comes in time, before a response.
     */
    public Response read() throws IOException {
        Response response = read(in, System.nanoTime() + KEEP_ALIVE_WAIT.toNanos(), socket, false, false);
        if (!response.isResponse()) {
            throw new IOException(response.problem());
        }
        return response;
    }

    /** True if the server closes the connection within {@code millis} without sending anything more. */
    public boolean closedByPeerWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        } finally {
            socket.setSoTimeout((int) KEEP_ALIVE_WAIT.toMillis());
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * One response; {@code headOnly} for the answer to a HEAD request (no body, whatever Content-Length says);
     * {@code lengthRequired}: a body without Content-Length is {@link #INVALID}, else chunked and close-delimited
     * bodies are read too.
     */
    private static Response read(InputStream in, long deadline, Socket socket, boolean headOnly,
                                 boolean lengthRequired) throws IOException {
        while (true) {
            Response response = readOne(in, deadline, socket, headOnly, lengthRequired);
            if (response.status() != 100) {
                return response;
            }
        }
    }

    private static Response readOne(InputStream in, long deadline, Socket socket, boolean headOnly,
                                    boolean lengthRequired) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (true) {
                socket.setSoTimeout(millisLeft(deadline));
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
        if (length == null && lengthRequired) {
            return problem(INVALID, code + " without Content-Length: " + headers);
        }
        if (length == null) {
            socket.setSoTimeout(millisLeft(deadline));
            byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? readChunked(in)
                    : in.readAllBytes(); // delimited by the end of the connection
            return new Response(code, headers, body, null);
        }
        byte[] body = new byte[Integer.parseInt(length)];
        int read = 0;
        try {
            while (read < body.length) {
                socket.setSoTimeout(millisLeft(deadline));
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

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
            if (size == 0) {
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    // trailers
                }
                return all.toByteArray();
            }
            all.writeBytes(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static int millisLeft(long deadline) {
        return (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static Response problem(int kind, String problem) {
        return new Response(kind, Map.of(), new byte[0], problem);
    }
}
