package org.sessionserver.transport.socketio;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the Engine.IO messages of one connection into Socket.IO packets: a binary packet is complete once all its
 * attachments have arrived, and nothing else may come in between (socket.io-parser's rule).
 */
final class SioPacketAssembler {
    /** More attachments than this in one packet is abuse, not use. */
    static final int MAX_ATTACHMENTS = 256;

    private final long maxBytes;
    private SioPacket partial;
    private int expected;
    private long receivedBytes;
    private List<byte[]> attachments;

    SioPacketAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The packet, or null while attachments are awaited. */
    SioPacket onText(String text) throws SioProtocolException {
        if (partial != null) {
            throw new SioProtocolException("got text data while reconstructing a packet");
        }
        SioCodec.Header header = SioCodec.decode(text);
        if (header.attachments() == 0) {
            return header.packet();
        }
        if (header.attachments() > MAX_ATTACHMENTS) {
            throw new SioProtocolException("too many attachments");
        }
        partial = header.packet();
        expected = header.attachments();
        receivedBytes = text.length();
        attachments = new ArrayList<>(expected);
        return null;
    }

    SioPacket onBinary(byte[] data) throws SioProtocolException {
        if (partial == null) {
            throw new SioProtocolException("got binary data when not reconstructing a packet");
        }
        receivedBytes += data.length;
        if (receivedBytes > maxBytes) {
            throw new SioProtocolException("packet too large");
        }
        attachments.add(data);
        if (attachments.size() < expected) {
            return null;
        }
        SioPacket packet = partial;
        List<byte[]> complete = attachments;
        partial = null;
        attachments = null;
        return new SioPacket(packet.type(), packet.nsp(), packet.ackId(), SioCodec.insertBinary(packet.data(), complete));
    }
}
