package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Socket.IO packet. {@code data} holds binary attachments in place, as
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s; the codec turns them into placeholders and frames.
 *
 * @param ackId the ack id, or -1 for none
 * @param data  the payload, or null when the packet has none
 */
public record SioPacket(SioPacketType type, String nsp, long ackId, JsonNode data) {
    public static final long NO_ACK = -1;
    public static final String MAIN_NAMESPACE = "/";
}
