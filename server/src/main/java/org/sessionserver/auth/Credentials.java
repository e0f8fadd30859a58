package org.sessionserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Where a connecting client's token and proxy flag come from. The token: the CONNECT payload's {@code auth.token},
 * else the query parameter {@code token}, else the header {@code Authorization: Bearer <token>}.
 */
public final class Credentials {
    private static final String BEARER = "bearer";

    private Credentials() {
    }

    /**
     * The first non-empty token of the three sources, in order; a non-text {@code auth.token} counts as absent.
     *
     * @param auth                the CONNECT payload, or null
     * @param queryToken          the {@code token} query parameter of the handshake request, or null
     * @param authorizationHeader the {@code Authorization} header of the handshake request, or null
     * @return the token, or null when no source has one
     */
    public static String pick(JsonNode auth, String queryToken, String authorizationHeader) {
        JsonNode token = auth == null ? null : auth.get("token");
        if (token != null && token.isTextual() && !token.textValue().isEmpty()) {
            return token.textValue();
        }
        if (queryToken != null && !queryToken.isEmpty()) {
            return queryToken;
        }
        return bearerToken(authorizationHeader);
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), else null. */
    public static String bearerToken(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String header = authorizationHeader.strip();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String token = header.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    /**
     * Whether the client asked for proxy mode: {@code auth.proxy} is the JSON boolean {@code true}, or the header
     * {@code x-proxy-message} is {@code true} (any case).
     *
     * @param auth        the CONNECT payload, or null
     * @param proxyHeader the {@code x-proxy-message} header of the handshake request, or null
     */
    public static boolean proxyRequested(JsonNode auth, String proxyHeader) {
        JsonNode proxy = auth == null ? null : auth.get("proxy");
        if (proxy != null && proxy.isBoolean() && proxy.booleanValue()) {
            return true;
        }
        return proxyHeader != null && proxyHeader.strip().equalsIgnoreCase("true");
    }
}
