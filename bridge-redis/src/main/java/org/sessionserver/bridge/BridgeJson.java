package org.sessionserver.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the bridge. */
public final class BridgeJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private BridgeJson() {
    }
}
