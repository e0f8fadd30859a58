package org.sessionserver.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The two forms a raw frame's {@code ts} (or {@code timestamp}) may take: an ISO-8601 instant, with {@code Z} or an
 * offset ({@code "2025-10-16T12:00:00Z"}, Go's {@code time.Time}), or epoch milliseconds ({@code 1704067200000}).
 * The server stamps its own frames in the form its client used in its {@code hello}.
 */
public enum FrameTime {
    ISO_8601,
    EPOCH_MILLIS;

    /** 9999-12-31T23:59:59.999Z: later epoch milliseconds are not a time a client means. */
    private static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;
    static final String RULE = "epoch milliseconds or an ISO-8601 instant such as 2025-10-16T12:00:00Z";

    /**
     * The form of a client's {@code ts}: {@link #ISO_8601} when it sent none (a missing or null node).
     *
     * @throws IllegalArgumentException when the value is neither form
     */
    public static FrameTime of(JsonNode ts) {
        if (ts == null || ts.isMissingNode() || ts.isNull()) {
            return ISO_8601;
        }
        if (ts.isIntegralNumber() && ts.canConvertToLong() && ts.longValue() >= 0
                && ts.longValue() <= MAX_EPOCH_MILLIS) {
            return EPOCH_MILLIS;
        }
        if (ts.isTextual() && isInstant(ts.textValue())) {
            return ISO_8601;
        }
        throw new IllegalArgumentException("must be " + RULE);
    }

    /** The time in this form: a JSON string or a JSON number. */
    public JsonNode format(Instant time) {
        return this == EPOCH_MILLIS ? LongNode.valueOf(time.toEpochMilli()) : TextNode.valueOf(time.toString());
    }

    private static boolean isInstant(String text) {
        try {
            OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
