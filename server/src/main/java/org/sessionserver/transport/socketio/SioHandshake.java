package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sessionserver.transport.engineio.EioTransport;
import org.sessionserver.transport.http.HandshakeRequest;

/**
 * What a client presented to join a namespace: the HTTP request that opened its connection and the CONNECT payload.
 *
 * @param auth the CONNECT payload ({@code {}} when the client sent none)
 */
public record SioHandshake(String namespace, ObjectNode auth, HandshakeRequest http, EioTransport transport) {
}
