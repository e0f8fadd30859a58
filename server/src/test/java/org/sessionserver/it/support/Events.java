package org.sessionserver.it.support;

import java.time.Instant;
import org.json.JSONException;
import org.json.JSONObject;

/** Events as clients send them. */
public final class Events {
    private Events() {
    }

    /** A valid event of {@code participantId}, as JSON text. */
    public static String validJson(String id, String participantId) {
        return "{\"id\":\"" + id + "\",\"type\":\"user.action\",\"source\":{\"id\":\"" + participantId
                + "\"},\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"n\":1}}";
    }

    /** A valid event of {@code participantId}, as the Java client sends it. */
    public static JSONObject valid(String id, String participantId) {
        return object(validJson(id, participantId));
    }

    public static JSONObject object(String json) {
        try {
            return new JSONObject(json);
        } catch (JSONException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
