package org.sessionserver.transport.engineio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection moved to another event loop (what an upgrade from polling does to its WebSocket) loses nothing: what
 * the peer sent before, during and after the move is read, in order, and the channel then lives on the new loop.
 */
class SessionLoopsIT {
    @Test
    void movedChannelKeepsEveryByteAndLivesOnTheTargetLoop() throws Exception {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx.channel());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg); // echo, on whichever loop the channel is on now
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(5_000);
                Channel channel = accepted.get(5, TimeUnit.SECONDS);
                EventLoop from = channel.eventLoop();
                EventLoop to = otherThan(group, from);

                OutputStream out = client.getOutputStream();
                StringBuilder sent = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    sent.append("before-").append(i).append(';');
                }
                out.write(sent.toString().getBytes(StandardCharsets.US_ASCII));
                CountDownLatch moved = new CountDownLatch(1);
                from.execute(() -> SessionLoops.move(channel, to, moved::countDown));
                StringBuilder during = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    during.append("during-").append(i).append(';');
                }
                out.write(during.toString().getBytes(StandardCharsets.US_ASCII));
                sent.append(during);
                assertTrue(moved.await(5, TimeUnit.SECONDS), "the move did not finish");
                assertSame(to, channel.eventLoop());
                assertTrue(channel.isActive());
                String after = "after;";
                out.write(after.getBytes(StandardCharsets.US_ASCII));
                sent.append(after);

                byte[] expected = sent.toString().getBytes(StandardCharsets.US_ASCII);
                byte[] echoed = new byte[expected.length];
                new DataInputStream(client.getInputStream()).readFully(echoed);
                assertArrayEquals(expected, echoed);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static EventLoop otherThan(EventLoopGroup group, EventLoop loop) {
        for (int i = 0; i < 4; i++) {
            EventLoop next = (EventLoop) group.next();
            if (next != loop) {
                return next;
            }
        }
        throw new IllegalStateException("the group has one loop");
    }
}
