package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The frames of the raw WebSocket protocol, {@code {"type","request_id","payload","ts"}}: every type either side
 * sends, and how the server writes a frame; shared by the raw gateway and the encoding of outbound messages. A new
 * client type is a constant here and a handler in the table of {@code gateways.RawWebSocketGateway}.
 */
public final class RawFrames {
    // Client -> server.
    public static final String HELLO = "hello";
    public static final String PING = "ping";
    /** The answer to a server's {@link #REQUEST}. */
    public static final String RESPONSE = "response";
    /** An Event from the client; from the server, an engine Message. */
    public static final String MESSAGE = "message";
    // Server -> client.
    public static final String HELLO_ACK = "hello_ack";
    public static final String ACK = "ack";
    public static final String PONG = "pong";
    public static final String ERROR = "error";
    /** The server asks the client ({@code POST /participants/{id}/request}): {@code {"event","data"}}. */
    public static final String REQUEST = "request";

    private RawFrames() {
    }

    /**
     * A frame as the server writes it, stamped with the time in the client's form; no {@code request_id} when it
     * answers none.
     */
    public static String frame(String type, JsonNode requestId, JsonNode payload, FrameTime time) {
        return frame(type, requestId, null, payload, time);
    }

    /** The same, with a top-level {@code session_id} (the {@code hello_ack}) when not null. */
    public static String frame(String type, JsonNode requestId, String sessionId, JsonNode payload, FrameTime time) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode().put("type", type);
        if (requestId != null && !requestId.isNull()) {
            frame.set("request_id", requestId);
        }
        if (sessionId != null) {
            frame.put("session_id", sessionId);
        }
        if (payload != null) {
            frame.set("payload", payload);
        }
        frame.set("ts", time.format(Instant.now()));
        return frame.toString();
    }

    /** {@code {"type":"message","payload":<the engine's JSON, verbatim>}} in UTF-8, shared by all its recipients. */
    static byte[] message(String messageJson) {
        return ("{\"type\":\"" + MESSAGE + "\",\"payload\":" + messageJson + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"type":name,"request_id"?:<JSON>,"payload":<JSON>}}: a named push (the name needs no escaping). */
    static byte[] push(String name, String requestIdJson, String payloadJson) {
        String requestId = requestIdJson == null ? "" : ",\"request_id\":" + requestIdJson;
        return ("{\"type\":\"" + name + "\"" + requestId + ",\"payload\":" + payloadJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
