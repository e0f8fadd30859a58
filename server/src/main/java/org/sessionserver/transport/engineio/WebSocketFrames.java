package org.sessionserver.transport.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** The WebSocket frame of an Engine.IO packet, in any of the forms a session is handed one. */
final class WebSocketFrames {
    private WebSocketFrames() {
    }

    /**
     * @param packet a {@code byte[]} binary message, an {@link EncodedText} shared between sessions (its frame made
     *               once), or a {@link String} with its type digit
     */
    static Object of(Channel socket, Object packet) {
        if (packet instanceof byte[] binary) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(binary));
        }
        if (packet instanceof EncodedText encoded) {
            return encoded.webSocketFrame().view();
        }
        ByteBuf text = ByteBufUtil.writeUtf8(socket.alloc(), (String) packet);
        return new TextWebSocketFrame(text);
    }
}
