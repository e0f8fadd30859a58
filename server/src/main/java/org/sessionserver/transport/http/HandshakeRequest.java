package org.sessionserver.transport.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opened a session (Engine.IO or raw WebSocket), as the layers above need it (auth, proxy flag,
 * logs).
 */
public record HandshakeRequest(Map<String, List<String>> query, HttpHeaders headers, SocketAddress remoteAddress) {
    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }
}
