package org.sessionserver.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection to the server, held open: which certificate it was shown, which protocol ALPN chose, and HTTP/1.1
 * requests on it one after the other (keep-alive), to show that a connection outlives a certificate rotation.
 */
public final class TlsProbe implements AutoCloseable {
    private final SSLSocket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private TlsProbe(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port, trusting what {@code client} trusts, offering h2 and http/1.1 by ALPN. */
    public static TlsProbe open(SSLContext client, int port) {
        try {
            SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(5_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the hostname (IP) must match the certificate
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new TlsProbe(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serial number of the certificate the server showed this connection. */
    public BigInteger serial() {
        try {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String alpn() {
        return socket.getApplicationProtocol();
    }

    /** GET {@code path} on this connection; returns the status line and the body. */
    public String get(String path) {
        try {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = in.readLine();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return status + "\n" + new String(body, 0, read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
