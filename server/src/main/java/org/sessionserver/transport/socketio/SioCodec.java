package org.sessionserver.transport.socketio;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sessionserver.json.ServerJson;

/**
 * Encodes and decodes Socket.IO v5 packets, with the same grammar and checks as socket.io-parser: a packet that
 * socket.io would refuse is refused here too.
 *
 * <p>Replaces netty-socketio's {@code PacketEncoder}/{@code PacketDecoder}, which in 2.0.14 read the packet type as
 * {@code char & 0xF} ({@code 4abc} counts as {@code 41}) and frame binary attachments the Engine.IO v3 way.
 */
public final class SioCodec {
    /** Event names a client may not use (socket.io-parser's RESERVED_EVENTS). */
    private static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private SioCodec() {
    }

    // ---- encoding

    /**
     * The Engine.IO messages of one packet: the text packet, then one {@code byte[]} per binary attachment. Packets
     * whose data holds {@link BinaryNode}s are sent as BINARY_EVENT / BINARY_ACK.
     */
    public static List<Object> encode(SioPacket packet) {
        List<byte[]> attachments = new ArrayList<>(0);
        JsonNode data = packet.data() == null ? null : extractBinary(packet.data(), attachments);
        SioPacketType type = packet.type();
        if (!attachments.isEmpty()) {
            type = type == SioPacketType.ACK ? SioPacketType.BINARY_ACK
                    : type == SioPacketType.EVENT ? SioPacketType.BINARY_EVENT : type;
        }
        StringBuilder text = new StringBuilder(64).append(type.code());
        if (type.isBinary()) {
            text.append(attachments.size()).append('-');
        }
        if (!SioPacket.MAIN_NAMESPACE.equals(packet.nsp())) {
            text.append(packet.nsp()).append(',');
        }
        if (packet.ackId() >= 0) {
            text.append(packet.ackId());
        }
        if (data != null) {
            text.append(data);
        }
        List<Object> messages = new ArrayList<>(1 + attachments.size());
        messages.add(text.toString());
        messages.addAll(attachments);
        return messages;
    }

    /** {@code node} with each binary value replaced by a placeholder; the values are appended to {@code out}. */
    private static JsonNode extractBinary(JsonNode node, List<byte[]> out) {
        if (!containsBinary(node)) {
            return node;
        }
        if (node instanceof BinaryNode binary) {
            ObjectNode placeholder = JsonNodeFactory.instance.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", out.size());
            out.add(binary.binaryValue());
            return placeholder;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(element -> copy.add(extractBinary(element, out)));
            return copy;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            copy.set(field.getKey(), extractBinary(field.getValue(), out));
        }
        return copy;
    }

    public static boolean containsBinary(JsonNode node) {
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (containsBinary(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- decoding

    /** A decoded text packet, with how many binary attachments must follow before it is complete. */
    record Header(SioPacket packet, int attachments) {
    }

    static Header decode(String text) throws SioProtocolException {
        if (text.isEmpty()) {
            throw new SioProtocolException("empty packet");
        }
        SioPacketType type = SioPacketType.of(text.charAt(0));
        if (type == null) {
            throw new SioProtocolException("unknown packet type");
        }
        int i = 1;
        int attachments = 0;
        if (type.isBinary()) {
            int dash = text.indexOf('-', i);
            if (dash < 0 || dash == i || !allDigits(text, i, dash) || dash - i > 6) {
                throw new SioProtocolException("illegal attachments");
            }
            attachments = Integer.parseInt(text, i, dash, 10);
            i = dash + 1;
        }
        String nsp = SioPacket.MAIN_NAMESPACE;
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            nsp = text.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        long ackId = SioPacket.NO_ACK;
        int idStart = i;
        while (i < text.length() && isDigit(text.charAt(i)) && i - idStart < 16) {
            i++;
        }
        if (i > idStart) {
            ackId = Long.parseLong(text, idStart, i, 10);
        }
        JsonNode data = null;
        if (i < text.length()) {
            try {
                data = ServerJson.MAPPER.readTree(text.substring(i));
            } catch (JacksonException | NumberFormatException e) {
                throw new SioProtocolException("invalid payload");
            }
        }
        if (!isPayloadValid(type, data)) {
            throw new SioProtocolException("invalid payload");
        }
        return new Header(new SioPacket(type, nsp, ackId, data), attachments);
    }

    private static boolean isPayloadValid(SioPacketType type, JsonNode data) {
        return switch (type) {
            case CONNECT -> data == null || data.isObject();
            case DISCONNECT -> data == null;
            case CONNECT_ERROR -> data != null && (data.isTextual() || data.isObject());
            case EVENT, BINARY_EVENT -> data != null && data.isArray() && !data.isEmpty()
                    && (data.get(0).isNumber()
                        || (data.get(0).isTextual() && !RESERVED_EVENTS.contains(data.get(0).textValue())));
            case ACK, BINARY_ACK -> data != null && data.isArray();
        };
    }

    /** {@code data} with each placeholder replaced by its attachment. */
    static JsonNode insertBinary(JsonNode data, List<byte[]> attachments) throws SioProtocolException {
        if (data.isObject() && data.path("_placeholder").asBoolean(false)) {
            JsonNode num = data.get("num");
            if (num == null || !num.canConvertToInt() || num.intValue() < 0 || num.intValue() >= attachments.size()) {
                throw new SioProtocolException("illegal attachments");
            }
            return BinaryNode.valueOf(attachments.get(num.intValue()));
        }
        if (data.isArray()) {
            ArrayNode array = (ArrayNode) data;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, insertBinary(array.get(i), attachments));
            }
        } else if (data.isObject()) {
            ObjectNode object = (ObjectNode) data;
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(insertBinary(field.getValue(), attachments));
            }
        }
        return data;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allDigits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
