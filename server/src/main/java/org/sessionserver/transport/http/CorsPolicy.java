package org.sessionserver.transport.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/** Which browser origins may call the HTTP endpoints; {@code *} allows any. */
public record CorsPolicy(Set<String> origins) {
    public static final CorsPolicy ANY_ORIGIN = new CorsPolicy(Set.of("*"));

    public static CorsPolicy parse(String commaSeparated) {
        return new CorsPolicy(Set.of(commaSeparated.trim().split("\\s*,\\s*")));
    }

    public boolean allows(String origin) {
        return origin == null || origins.contains("*") || origins.contains(origin.toLowerCase(java.util.Locale.ROOT));
    }

    /** Adds the CORS response headers for a request from {@code origin} (none when it sent no Origin). */
    public void apply(String origin, HttpHeaders headers) {
        if (origin == null || !allows(origin)) {
            return;
        }
        // Echo the origin (not "*") so that browsers may send credentials, as socket.io's cors option does.
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        headers.set(HttpHeaderNames.VARY, "Origin");
    }
}
