package org.sessionserver.httpapi;

import io.netty.handler.codec.http.FullHttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.transport.http.HttpExchange;

/** Lets through requests that carry {@code Authorization: Bearer <ENGINE_KEY>}; none when no key is configured. */
final class EngineKeyGuard {
    private final byte[] key;

    /** @param engineKey the configured key, or null: the engine routes are then disabled */
    EngineKeyGuard(String engineKey) {
        this.key = engineKey == null ? null : engineKey.getBytes(StandardCharsets.UTF_8);
    }

    /** False (and the refusal sent) unless the request carries the engine key. */
    boolean admits(FullHttpRequest request, HttpExchange exchange) {
        if (key == null) {
            Api.fail(exchange, ErrorCode.FORBIDDEN, "engine routes are disabled: set ENGINE_KEY");
            return false;
        }
        String token = Api.bearer(request);
        if (token == null || !MessageDigest.isEqual(key, token.getBytes(StandardCharsets.UTF_8))) {
            Api.fail(exchange, ErrorCode.UNAUTHORIZED, "a valid engine key is required");
            return false;
        }
        return true;
    }
}
