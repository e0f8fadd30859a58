package org.sessionserver.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every error code a client or engine can see, in one place, with the HTTP status it maps to. Socket.IO acks and
 * {@code error} events, raw WebSocket {@code error}/{@code ack} frames and HTTP bodies all carry
 * {@code {"code","message"}} with one of these.
 */
public enum ErrorCode {
    /** The event breaks the Event rules (missing id or type, bad timestamp, not an object...). */
    INVALID_EVENT("invalid_event", 400),
    /** The event's {@code source.id} is not the authenticated participant. */
    FORBIDDEN_SOURCE("forbidden_source", 403),
    /** The event is larger than {@code MAX_MESSAGE_SIZE}. */
    TOO_LARGE("too_large", 413),
    /** The connection sends faster than {@code RATE_LIMIT_PER_SEC} / {@code RATE_LIMIT_BURST} allow. */
    RATE_LIMITED("rate_limited", 429),
    /** A Socket.IO event name or raw frame type that clients may not send. */
    UNKNOWN_EVENT("unknown_event", 400),
    /** The engine bus cannot take the event now (Redis down, draining): retry later; nothing was accepted. */
    UNAVAILABLE("unavailable", 503),
    /** Missing or bad credentials. */
    UNAUTHORIZED("unauthorized", 401),
    /** Credentials are fine but do not allow this (engine routes without ENGINE_KEY, too many connections). */
    FORBIDDEN("forbidden", 403),
    /** A malformed request that is not an event (bad JSON body, bad message). */
    BAD_REQUEST("bad_request", 400),
    /** No such route, or the participant or session is not connected. */
    NOT_FOUND("not_found", 404),
    /** The client did not answer in time. */
    TIMEOUT("timeout", 504);

    public final String wire;
    public final int httpStatus;

    ErrorCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    /** {@code {"code":...,"message":...}}. */
    public ObjectNode body(String message) {
        return JsonNodeFactory.instance.objectNode().put("code", wire).put("message", message);
    }
}
