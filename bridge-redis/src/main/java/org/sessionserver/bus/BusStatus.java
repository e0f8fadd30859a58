package org.sessionserver.bus;

/**
 * @param kind "memory" or "redis"
 * @param up   whether events can be published and messages received right now
 */
public record BusStatus(String kind, boolean up) {
}
