package org.sessionserver.transport.engineio;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * Puts a session's WebSocket on the session's own event loop. A session that began on long-polling lives on the loop
 * of its first request; the WebSocket that upgrades it is a new connection, accepted on whichever loop comes next.
 * Left there, every frame in and every message out would cross between the two threads (a task and a wake-up each).
 * Netty lets a channel leave its loop ({@code deregister}) and join another ({@code register}); the kernel keeps
 * what arrives meanwhile, and epoll reports it once the channel is registered again.
 */
final class SessionLoops {
    private SessionLoops() {
    }

    /**
     * Moves {@code channel} (called on its loop, nothing left unflushed) to {@code loop}, then runs {@code then} there.
     * Nothing is read meanwhile: a frame read on the old loop would be handed to the session as a task that could
     * overtake {@code then} (a probe arriving before the session knows its WebSocket). If the move fails the channel
     * is closed and {@code then} still runs, and finds it inactive.
     */
    static void move(Channel channel, EventLoop loop, Runnable then) {
        if (channel.eventLoop() == loop) {
            // frames are handled where they are read (WebSocketFrameHandler): none may come before then has run
            channel.config().setAutoRead(false);
            loop.execute(() -> {
                then.run();
                channel.config().setAutoRead(true);
            });
            return;
        }
        channel.config().setAutoRead(false);
        channel.deregister().addListener(left -> {
            if (!left.isSuccess()) {
                channel.close();
                loop.execute(then);
                return;
            }
            loop.register(channel).addListener(joined -> loop.execute(() -> {
                if (!joined.isSuccess()) {
                    channel.unsafe().closeForcibly();
                }
                then.run();
                channel.config().setAutoRead(true);
            }));
        });
    }
}
