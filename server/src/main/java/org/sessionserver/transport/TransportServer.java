package org.sessionserver.transport;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sessionserver.transport.http.BodyLimit;
import org.sessionserver.transport.http.HttpRouter;
import org.sessionserver.transport.http.UnsentBytes;
import org.sessionserver.transport.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket: netty-socketio's {@link SocketIOServer} bootstrap (event loops, native epoll, socket
 * options) with our own channel pipeline, HTTP codec then {@link HttpRouter}, in place of netty-socketio's handlers.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransportServer.class);
    /** Request line and headers may be long (tokens in query strings); bodies are bounded by the payload limit. */
    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    /** Room for a polling body at the payload limit plus its framing. */
    private static final int BODY_SLACK = 1024;

    private static final long CLOSE_TIMEOUT_MS = 2_000;

    private final SocketIOServer bootstrap;
    private final Pipeline pipeline;
    private final int port;

    private TransportServer(SocketIOServer bootstrap, Pipeline pipeline, int port) {
        this.bootstrap = bootstrap;
        this.pipeline = pipeline;
        this.port = port;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and serves with {@code router}.
     *
     * @param maxBody the largest HTTP body accepted (larger ones get 413)
     */
    public static TransportServer start(String host, int port, int workerThreads, HttpRouter router, int maxBody) {
        return start(host, port, workerThreads, router, maxBody, null);
    }

    /** As above, on event loops of its own. */
    public static TransportServer start(String host, int port, int workerThreads, HttpRouter router, int maxBody,
                                        ServerTls tls) {
        return start(host, port, workerThreads, null, router, maxBody, tls);
    }

    /**
     * As above, the connections on {@code workers} ({@link #newEventLoops}), which the caller stops after {@link
     * #close} ({@link #stopEventLoops}).
     */
    public static TransportServer start(String host, int port, EventLoopGroup workers, HttpRouter router, int maxBody,
                                        ServerTls tls) {
        return start(host, port, 0, workers, router, maxBody, tls);
    }

    /** Event loops of the kind the transport uses (native epoll where available). */
    public static EventLoopGroup newEventLoops(int threads) {
        return Epoll.isAvailable() ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    /** Stops loops made by {@link #newEventLoops} at once (no quiet period) and waits for them. */
    public static void stopEventLoops(EventLoopGroup loops) {
        loops.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MS);
    }

    /**
     * HTTPS and WSS only when {@code tls} is given: each connection starts with a TLS handshake on the certificate
     * current when it was accepted. The connections live on {@code workers} when given, else on {@code workerThreads}
     * loops of netty-socketio's.
     */
    private static TransportServer start(String host, int port, int workerThreads, EventLoopGroup workers,
                                         HttpRouter router, int maxBody, ServerTls tls) {
        Configuration config = new Configuration();
        config.setHostname(host);
        config.setPort(port);
        config.setBossThreads(1);
        config.setWorkerThreads(workerThreads);
        config.setUseLinuxNativeEpoll(Epoll.isAvailable());
        config.getSocketConfig().setReuseAddress(true);
        config.getSocketConfig().setTcpNoDelay(true);
        // A connection whose unsent bytes pass the high mark stops being writable: the transports then drop it as a
        // slow consumer, so one stalled client cannot grow the server's memory without bound.
        config.getSocketConfig().setWriteBufferWaterMarkLow(UnsentBytes.LIMIT / 2);
        config.getSocketConfig().setWriteBufferWaterMarkHigh(UnsentBytes.LIMIT);
        SocketIOServer bootstrap = workers == null ? new SocketIOServer(config) : new GivenWorkers(config, workers);
        releaseDefaultPipeline(bootstrap);
        Pipeline pipeline = new Pipeline(router, maxBody, tls);
        bootstrap.setPipelineFactory(pipeline);
        Future<Void> bound = bootstrap.startAsync().syncUninterruptibly();
        return new TransportServer(bootstrap, pipeline, boundPort(bound));
    }

    public int port() {
        return port;
    }

    /**
     * netty-socketio 2.0.14: {@code new SocketIOServer(config)} builds a default {@code SocketIOChannelInitializer}
     * whose {@code HashedWheelTimer} nothing releases once {@code setPipelineFactory} replaces it, so Netty reports a
     * LEAK when it is collected. There is no accessor: released here by reflection, and a failure only logged.
     */
    private static void releaseDefaultPipeline(SocketIOServer server) {
        try {
            Field pipelineField = SocketIOServer.class.getDeclaredField("pipelineFactory");
            pipelineField.setAccessible(true);
            Field schedulerField = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            schedulerField.setAccessible(true);
            ((CancelableScheduler) schedulerField.get(pipelineField.get(server))).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not release netty-socketio's default pipeline timer: {}", e.toString());
        }
    }

    /** Closes every connection, then stops the event loops. */
    @Override
    public void close() {
        pipeline.channels.close().awaitUninterruptibly(CLOSE_TIMEOUT_MS);
        if (bootstrap instanceof GivenWorkers) {
            stopEventLoopsNow(bootstrap, true);
            pipeline.stop(); // what stop() does besides stopping the loops, the given ones included
        } else {
            stopEventLoopsNow(bootstrap, false);
            bootstrap.stop();
        }
    }

    /**
     * netty-socketio 2.0.14: {@code SocketIOServer.stop()} shuts its boss and worker groups down one after the other,
     * each with Netty's default quiet period (2 s, time for more tasks to arrive), so a stop took ~3 s although every
     * connection is closed by then. The groups have no accessor: they are shut down here first, together and with no
     * quiet period, by reflection; {@code stop()} then finds them terminated. A failure is only logged (the slow
     * stop still works).
     */
    private static void stopEventLoopsNow(SocketIOServer server, boolean givenWorkers) {
        try {
            List<Future<?>> terminations = new ArrayList<>();
            for (String name : givenWorkers ? new String[] {"bossGroup"} : new String[] {"bossGroup", "workerGroup"}) {
                Field field = SocketIOServer.class.getDeclaredField(name);
                field.setAccessible(true);
                EventLoopGroup group = (EventLoopGroup) field.get(server);
                terminations.add(group.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            }
            terminations.forEach(termination -> termination.awaitUninterruptibly(CLOSE_TIMEOUT_MS));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not stop netty-socketio's event loops early: {}", e.toString());
        }
    }

    /**
     * netty-socketio 2.0.14 makes its own worker loops in {@code initGroups} and has no way to be given them: this
     * puts the given loops in their place by reflection, closing the ones it just made. Its {@code stop()} would
     * stop the given loops too (with a 2 s quiet period), so {@link #close} does the rest of its work without it.
     */
    private static final class GivenWorkers extends SocketIOServer {
        private final EventLoopGroup workers;

        GivenWorkers(Configuration config, EventLoopGroup workers) {
            super(config);
            this.workers = workers;
        }

        @Override
        protected void initGroups() {
            super.initGroups();
            try {
                Field field = SocketIOServer.class.getDeclaredField("workerGroup");
                field.setAccessible(true);
                ((EventLoopGroup) field.get(this)).shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                field.set(this, workers);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("netty-socketio's worker loops cannot be replaced", e);
            }
        }
    }

    /**
     * netty-socketio 2.0.14 does not tell which port it bound (port 0 in tests); its start future is the bind's
     * {@link ChannelFuture}, which knows.
     */
    private static int boundPort(Future<Void> bound) {
        Channel channel = ((ChannelFuture) bound).channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Our pipeline in place of netty-socketio's handlers (which its {@code start} still builds, unused, and its
     * {@code stop} releases).
     */
    private static final class Pipeline extends SocketIOChannelInitializer {
        private final HttpRouter router;
        private final int maxBody;
        private final ServerTls tls;
        private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

        Pipeline(HttpRouter router, int maxBody, ServerTls tls) {
            this.router = router;
            this.maxBody = maxBody;
            this.tls = tls;
        }

        @Override
        protected void initChannel(Channel channel) {
            ChannelPipeline pipeline = channel.pipeline();
            if (tls != null) {
                pipeline.addLast("tls", tls.current().newHandler(channel.alloc()));
            }
            pipeline.addLast(HTTP_REQUEST_DECODER, new HttpRequestDecoder(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
            // The encoder sits before the aggregator, so that what the aggregator answers itself (413, 417) is encoded.
            pipeline.addLast(HTTP_ENCODER, new HttpResponseEncoder());
            pipeline.addLast(HTTP_AGGREGATOR, new BodyLimit(maxBody + BODY_SLACK, router.cors()));
            pipeline.addLast("router", router);
            channels.add(channel);
        }
    }
}
