package org.sessionserver.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * A WebSocket text frame made once for every connection a message goes to, as socket.io does with its
 * {@code wsPreEncodedFrame}: a server's frames are not masked, so each connection gets the same bytes. The frame sits
 * in one direct buffer, which the transport writes without a copy and the garbage collector frees with this object.
 * Written below Netty's frame encoder, it passes that encoder untouched (it encodes {@code WebSocketFrame}s only).
 */
public final class PreparedTextFrame {
    private final ByteBuf frame;

    public PreparedTextFrame(byte[] utf8) {
        this.frame = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(encode(utf8)));
    }

    /** A view of its own for one write (a write moves its reader index). */
    public ByteBuf view() {
        return frame.duplicate();
    }

    /** RFC 6455 section 5.2: FIN and opcode 1 (text), then the payload length in 7, 7+16 or 7+64 bits. */
    private static ByteBuffer encode(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocateDirect(header + length);
        frame.put((byte) 0x81);
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).flip();
    }
}
