package org.sessionserver.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the bus. */
public final class BusJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private BusJson() {
    }
}
