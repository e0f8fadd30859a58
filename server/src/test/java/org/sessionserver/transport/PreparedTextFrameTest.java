package org.sessionserver.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreparedTextFrameTest {
    /** Each length form of RFC 6455 at its edges: what a client's decoder reads is the payload, exactly. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
    void aClientDecodesThePayload(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'x');
        PreparedTextFrame frame = new PreparedTextFrame(payload);

        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        client.writeInbound(frame.view());
        TextWebSocketFrame text = client.readInbound();
        assertArrayEquals(payload, ByteBufUtil.getBytes(text.content()));
        text.release();
    }

    /** The same bytes as Netty's own encoder makes, for every connection, however often it is written. */
    @ParameterizedTest
    @ValueSource(ints = {3, 300, 70_000})
    void theBytesOfNettysEncoderEveryTime(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 'y');
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        server.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        byte[] expected = drain(server);

        PreparedTextFrame frame = new PreparedTextFrame(payload);
        for (int i = 0; i < 3; i++) {
            EmbeddedChannel connection = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
            connection.writeOutbound(frame.view());
            assertArrayEquals(expected, drain(connection));
        }
        assertEquals(expected.length, frame.view().readableBytes());
    }

    private static byte[] drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(all);
    }
}
