package org.sessionserver.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.json.ServerJson;
import org.sessionserver.transport.socketio.SioCodec;

/**
 * The Event rules of DESIGN.md: an object with non-empty string {@code id} and {@code type} (at most 256 chars), a
 * {@code source.id} equal to the sender, an ISO-8601 {@code timestamp}, optional string {@code thredId} and
 * {@code patternId}, and at most {@code maxBytes} of JSON in all.
 */
public final class EventValidator {
    static final int MAX_ID_LENGTH = 256;

    private final int maxBytes;

    public EventValidator(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @throws Refusal with the first rule the event breaks */
    /** A named client event's payload: any plain JSON value within the size limit. */
    public void checkPayload(JsonNode payload) {
        if (payload != null && SioCodec.containsBinary(payload)) {
            throw invalid("the payload must be plain JSON, without binary attachments");
        }
        int size = payload == null ? 0 : size(payload);
        if (size > maxBytes) {
            throw new Refusal(ErrorCode.TOO_LARGE, "the payload has " + size + " bytes, the limit is " + maxBytes);
        }
    }

    public void check(JsonNode event, String participantId) {
        if (event == null || !event.isObject()) {
            throw invalid("the event must be a JSON object");
        }
        if (SioCodec.containsBinary(event)) {
            throw invalid("the event must be plain JSON, without binary attachments");
        }
        int size = size(event);
        if (size > maxBytes) {
            throw new Refusal(ErrorCode.TOO_LARGE, "the event has " + size + " bytes, the limit is " + maxBytes);
        }
        requireId(event, "id");
        requireId(event, "type");
        JsonNode sourceId = event.path("source").path("id");
        if (!sourceId.isTextual()) {
            throw invalid("source.id must be a string");
        }
        if (!sourceId.textValue().equals(participantId)) {
            throw new Refusal(ErrorCode.FORBIDDEN_SOURCE, "source.id must be the authenticated participant");
        }
        JsonNode timestamp = event.get("timestamp");
        if (timestamp == null || !timestamp.isTextual() || !IsoTimestamps.valid(timestamp.textValue())) {
            throw invalid("timestamp must be an ISO-8601 date-time with an offset, e.g. 2025-10-28T22:45:00.000Z");
        }
        optionalString(event, "thredId");
        optionalString(event, "patternId");
    }

    /** The size of the event as compact JSON, in UTF-8 bytes. */
    static int size(JsonNode event) {
        try {
            return ServerJson.MAPPER.writeValueAsBytes(event).length;
        } catch (JsonProcessingException e) {
            throw invalid("the event cannot be written as JSON");
        }
    }

    private static void requireId(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()
                || value.textValue().length() > MAX_ID_LENGTH) {
            throw invalid(field + " must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
        }
    }

    private static void optionalString(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw invalid(field + " must be a string when present");
        }
    }

    private static Refusal invalid(String message) {
        return new Refusal(ErrorCode.INVALID_EVENT, message);
    }
}
