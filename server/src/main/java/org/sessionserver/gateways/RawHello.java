package org.sessionserver.gateways;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.sessions.FrameTime;

/**
 * A raw client's {@code hello}, in either form: ours, {@code {"type":"hello","payload":{"token","proxy",
 * "client_meta"}}}, or the one of the gateways this server replaces, with top-level fields
 * {@code {"type":"hello","api_key"?,"token"?,"session_id"?,"client_meta"?,"ts"?}}. A field is read at the top level,
 * else in {@code payload}.
 *
 * @param credential      {@code api_key} or {@code token} (the same rules as any token), or null when none was given
 * @param clientSessionId the client's own session id, or null
 * @param clientMeta      what the client says of itself, or null
 * @param time            the form of the hello's {@code ts} (or {@code timestamp}), which the server's frames take
 */
record RawHello(String credential, boolean proxy, String clientSessionId, ObjectNode clientMeta, FrameTime time) {
    static final int MAX_SESSION_ID_CHARS = 256;
    /** {@code client_meta} is kept in the session directory, once per session: a description, not a payload. */
    static final int MAX_CLIENT_META_BYTES = 4096;
    private static final String[] CREDENTIAL_FIELDS = {"api_key", "token"};

    /**
     * Reads a hello frame.
     *
     * @throws Refusal {@code bad_request} naming the field that is malformed, {@code too_large} for a
     *                 {@code client_meta} over {@value #MAX_CLIENT_META_BYTES} bytes
     */
    static RawHello parse(JsonNode frame) {
        JsonNode payload = frame.path("payload");
        return new RawHello(credential(frame, payload), proxy(frame) || proxy(payload),
                clientSessionId(field(frame, payload, "session_id")), clientMeta(field(frame, payload, "client_meta")),
                time(frame));
    }

    /** The field at the top level, else in the payload; missing when in neither (JSON null counts as missing). */
    private static JsonNode field(JsonNode frame, JsonNode payload, String name) {
        JsonNode value = frame.path(name);
        return value.isMissingNode() || value.isNull() ? payload.path(name) : value;
    }

    /** Every credential field given must name the same credential: a client that sends two means one of them. */
    private static String credential(JsonNode frame, JsonNode payload) {
        String credential = null;
        String from = null;
        for (JsonNode holder : new JsonNode[] {frame, payload}) {
            for (String name : CREDENTIAL_FIELDS) {
                JsonNode value = holder.path(name);
                if (value.isMissingNode() || value.isNull()) {
                    continue;
                }
                String where = holder == frame ? name : "payload." + name;
                if (!value.isTextual()) {
                    throw badRequest(where + " must be a string");
                }
                if (value.textValue().isEmpty()) {
                    continue;
                }
                if (credential != null && !credential.equals(value.textValue())) {
                    throw badRequest(from + " and " + where + " name different credentials: send one");
                }
                credential = value.textValue();
                from = where;
            }
        }
        return credential;
    }

    private static boolean proxy(JsonNode holder) {
        return holder.path("proxy").asBoolean(false);
    }

    private static String clientSessionId(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_SESSION_ID_CHARS) {
            throw badRequest("session_id must be a string of 1-" + MAX_SESSION_ID_CHARS + " chars");
        }
        return value.textValue();
    }

    private static ObjectNode clientMeta(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!(value instanceof ObjectNode meta)) {
            throw badRequest("client_meta must be a JSON object");
        }
        if (meta.toString().getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_META_BYTES) {
            throw new Refusal(ErrorCode.TOO_LARGE, "client_meta is over " + MAX_CLIENT_META_BYTES + " bytes of JSON");
        }
        return meta;
    }

    /** {@code ts}, else {@code timestamp} (the name some gateways' clients use). */
    private static FrameTime time(JsonNode frame) {
        String name = frame.hasNonNull("ts") || !frame.hasNonNull("timestamp") ? "ts" : "timestamp";
        try {
            return FrameTime.of(frame.get(name));
        } catch (IllegalArgumentException e) {
            throw badRequest(name + " " + e.getMessage());
        }
    }

    private static Refusal badRequest(String message) {
        return new Refusal(ErrorCode.BAD_REQUEST, message);
    }
}
