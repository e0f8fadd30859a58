package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.intake.EventIntake;
import org.sessionserver.intake.RateLimiter;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.OutboundMessage;
import org.sessionserver.sessions.SessionLifecycle;
import org.sessionserver.transport.RandomIds;
import org.sessionserver.transport.http.EventStream;
import org.sessionserver.transport.http.HttpExchange;

/**
 * {@code POST /event?wait=<ms>}: the event gets a session of its own, open for the wait, and what the engine
 * addresses to that session comes back in the answer: the first Message as {@code {"ok":true,"id","message"}}, or
 * with {@code Accept: text/event-stream} each Message as an event until one with {@code "final":true}; 504
 * {@code timeout} when nothing came in time (the event stays accepted).
 */
final class EventWait {
    static final long MAX_WAIT_MS = 120_000;
    static final String TRANSPORT = "http";

    private final SessionLifecycle lifecycle;
    private final EventIntake intake;

    EventWait(SessionLifecycle lifecycle, EventIntake intake) {
        this.lifecycle = lifecycle;
        this.intake = intake;
    }

    void start(String participantId, JsonNode event, RateLimiter limiter, long waitMs, boolean stream,
               HttpExchange exchange) {
        Channel channel = exchange.channel();
        String sessionId = TRANSPORT + "_" + RandomIds.next();
        lifecycle.open(participantId, sessionId, sessionId, false, TRANSPORT, channel.eventLoop(), channel::isActive,
                (session, sessionLimiter) -> new Waiting(session, sessionLimiter, channel.eventLoop(), exchange,
                        stream, waitMs)).whenComplete((waiting, failure) -> {
                            if (failure != null) {
                                Api.fail(exchange, failure);
                            } else {
                                channel.closeFuture().addListener(closed -> waiting.finish());
                                waiting.submit(intake.submit(waiting.session(), event, limiter));
                            }
                        });
    }

    /** The session of one waiting request: on its channel's loop, from the open to the answer. */
    private final class Waiting implements Connection {
        private final SessionRecord session;
        private final RateLimiter rateLimiter;
        private final EventExecutor loop;
        private final HttpExchange exchange;
        private final boolean streaming;
        private final long waitMs;
        /** Messages that came before the bus took the event (a fast engine): sent once it did. */
        private final List<OutboundMessage> early = new ArrayList<>();
        private String eventId;
        private EventStream stream;
        /** The answer is given (or will never be): nothing more is sent. */
        private volatile boolean finished;
        private boolean closed;

        Waiting(SessionRecord session, RateLimiter rateLimiter, EventExecutor loop, HttpExchange exchange,
                boolean streaming, long waitMs) {
            this.session = session;
            this.rateLimiter = rateLimiter;
            this.loop = loop;
            this.exchange = exchange;
            this.streaming = streaming;
            this.waitMs = waitMs;
        }

        void submit(CompletionStage<String> accepted) {
            accepted.whenComplete((id, failure) -> loop.execute(() -> {
                if (finished) {
                    return;
                }
                if (failure != null) {
                    finish();
                    Api.fail(exchange, failure);
                    return;
                }
                eventId = id;
                if (streaming) {
                    stream = EventStream.open(exchange);
                }
                loop.schedule(this::timeOut, waitMs, TimeUnit.MILLISECONDS);
                early.forEach(this::answer);
                early.clear();
            }));
        }

        @Override
        public void deliver(OutboundMessage message) {
            loop.execute(() -> {
                if (finished) {
                    return;
                }
                if (eventId == null) {
                    early.add(message);
                } else {
                    answer(message);
                }
            });
        }

        private void answer(OutboundMessage message) {
            if (finished) {
                return;
            }
            if (!streaming) {
                exchange.sendJson(HttpResponseStatus.OK, "{\"ok\":true,\"id\":" + TextNode.valueOf(eventId)
                        + ",\"message\":" + message.message().json() + "}");
                finish();
                return;
            }
            stream.send(OutboundMessage.EVENT, message.message().json());
            if (message.message().last()) {
                finish();
            }
        }

        private void timeOut() {
            if (finished) {
                return;
            }
            if (streaming) {
                stream.send("timeout", ErrorCode.TIMEOUT.body("no final message within " + waitMs + " ms").toString());
            } else {
                Api.fail(exchange, ErrorCode.TIMEOUT, "no answer within " + waitMs + " ms; the event "
                        + eventId + " was accepted");
            }
            finish();
        }

        /** The answer is given, refused, timed out, or the client went away: the session closes. */
        void finish() {
            if (!loop.inEventLoop()) {
                loop.execute(this::finish);
                return;
            }
            finished = true;
            if (stream != null) {
                stream.end();
            }
            if (!closed) {
                closed = true;
                lifecycle.close(this, "answered");
            }
        }

        @Override
        public SessionRecord session() {
            return session;
        }

        @Override
        public RateLimiter rateLimiter() {
            return rateLimiter;
        }

        @Override
        public EventExecutor loop() {
            return loop;
        }

        @Override
        public boolean disconnect() {
            boolean open = !finished;
            finish();
            return open;
        }

        @Override
        public CompletionStage<JsonNode> request(String event, JsonNode data, Duration timeout) {
            return CompletableFuture.failedFuture(
                    new UnsupportedOperationException("a waiting POST /event cannot acknowledge"));
        }
    }
}
