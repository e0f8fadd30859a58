package org.sessionserver.bus.redis;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's connections on event loops that someone else owns (the server's own, or one of them): Lettuce never stops
 * them; their owner does, after Lettuce is closed. A reply or a pub/sub message is then read on the thread that
 * handles it, and a command sent from that loop is written without a hand-off to another thread.
 */
final class GivenEventLoops implements EventLoopGroupProvider {
    private final EventLoopGroup loops;
    private final int size;

    GivenEventLoops(EventLoopGroup loops) {
        this.loops = loops;
        int count = 0;
        for (EventExecutor ignored : loops) {
            count++;
        }
        this.size = count;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) loops;
    }

    @Override
    public int threadPoolSize() {
        return size;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
