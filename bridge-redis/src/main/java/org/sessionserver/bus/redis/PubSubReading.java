package org.sessionserver.bus.redis;

import io.lettuce.core.protocol.CommandHandler;
import io.lettuce.core.pubsub.PubSubCommandHandler;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops and resumes reading the pub/sub connections of one Lettuce client, so that while a node is behind, Redis
 * holds its messages (in the client's output buffer, within {@code client-output-buffer-limit pubsub}) instead of the
 * node's memory.
 *
 * <p>{@code setAutoRead(false)} on the channel alone does not hold: Lettuce's {@link CommandHandler} turns auto-read
 * back on after every reply or push it decodes (its {@code decode0}, Lettuce 7.7.0), and some bytes are always read
 * already. So each pub/sub channel gets a {@link Valve} just before Lettuce's handler: while closed it keeps what was
 * read (at most one read's worth) from Lettuce, so Lettuce decodes nothing and never turns reading back on, and it
 * turns auto-read off and swallows read requests; opened, it hands the kept bytes on, in order, and reads again.
 * Installed through {@link NettyCustomizer#afterChannelInitialized}, which Lettuce calls on every channel it makes
 * (reconnects too) once its handlers are in place. A channel made while paused starts reading (its handshake and
 * resubscriptions need replies) and is paused at the next pause.
 */
final class PubSubReading implements NettyCustomizer {
    private final Set<Valve> valves = ConcurrentHashMap.newKeySet();
    private volatile boolean paused;

    @Override
    public void afterChannelInitialized(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext lettuce = pipeline.context(PubSubCommandHandler.class);
        if (lettuce == null) {
            return; // a command connection: never paused
        }
        Valve valve = new Valve();
        pipeline.addBefore(lettuce.name(), "session-server-pubsub-valve", valve);
        valves.add(valve);
        channel.closeFuture().addListener(closed -> valves.remove(valve));
    }

    /** Stops (true) or resumes (false) reading every pub/sub channel; from any thread. */
    void pause(boolean pause) {
        paused = pause;
        valves.forEach(valve -> valve.set(pause));
    }

    boolean paused() {
        return paused;
    }

    /** Holds a channel's inbound bytes from Lettuce while closed. Its state is touched on the channel's loop only. */
    private static final class Valve extends ChannelDuplexHandler {
        private final Queue<Object> kept = new ArrayDeque<>();
        private ChannelHandlerContext context;
        private boolean closed;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        void set(boolean close) {
            ChannelHandlerContext ctx = context;
            if (ctx != null) {
                ctx.executor().execute(() -> apply(close));
            }
        }

        private void apply(boolean close) {
            if (close == closed) {
                return;
            }
            closed = close;
            context.channel().config().setAutoRead(!close);
            if (!close) {
                boolean any = !kept.isEmpty();
                for (Object message = kept.poll(); message != null; message = kept.poll()) {
                    context.fireChannelRead(message);
                }
                if (any) {
                    context.fireChannelReadComplete();
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (closed) {
                kept.add(message);
            } else {
                ctx.fireChannelRead(message);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!closed) {
                ctx.fireChannelReadComplete();
            }
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            if (!closed) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Hand what was kept on, so that Lettuce sees every byte before the channel is gone.
            closed = false;
            for (Object message = kept.poll(); message != null; message = kept.poll()) {
                ctx.fireChannelRead(message);
            }
            ctx.fireChannelInactive();
        }
    }
}
