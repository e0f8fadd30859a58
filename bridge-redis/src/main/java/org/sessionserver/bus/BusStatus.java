package org.sessionserver.bus;

/**
 * @param kind       "memory" or "redis"
 * @param up         whether events can be published and messages received right now
 * @param deployment "memory", or the Redis deployment: "standalone", "sentinel", "cluster"
 * @param reason     why not up, in one line; null when up (or not known)
 */
public record BusStatus(String kind, boolean up, String deployment, String reason) {
    public BusStatus(String kind, boolean up) {
        this(kind, up, kind, null);
    }
}
