package org.sessionserver.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the server: Socket.IO packets, raw frames, events, HTTP bodies. */
public final class ServerJson {
    /**
     * Trailing tokens are refused ({@code {} x} is not JSON). Floats are read as decimals: a number beyond a double's
     * range stays a number (not "Infinity"); one beyond even a decimal's range throws NumberFormatException, which
     * the readers treat like bad JSON.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private ServerJson() {
    }
}
