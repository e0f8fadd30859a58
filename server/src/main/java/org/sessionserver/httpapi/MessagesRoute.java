package org.sessionserver.httpapi;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.sessionserver.bus.EngineBus;
import org.sessionserver.bus.Message;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.routing.PublishGate;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code POST /messages} with the engine key: a Message, published on the bus as if the engine had; 202. While this
 * node's outbound backlog is over its bound the answer waits ({@link PublishGate}), and after the wait it is 503
 * {@code unavailable} with {@code Retry-After}: the message was not published.
 */
public final class MessagesRoute implements HttpRoute {
    private final EngineKeyGuard guard;
    private final EngineBus bus;
    private final PublishGate gate;

    MessagesRoute(EngineKeyGuard guard, EngineBus bus, PublishGate gate) {
        this.guard = guard;
        this.bus = bus;
        this.gate = gate;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.POST) || !guard.admits(request, exchange)) {
            return;
        }
        String json = request.content().toString(StandardCharsets.UTF_8);
        Message message;
        try {
            message = Message.parse(json);
        } catch (IllegalArgumentException e) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, e.getMessage());
            return;
        }
        if (!bus.status().up()) {
            Api.fail(exchange, ErrorCode.UNAVAILABLE, "the engine bus is unavailable, retry later");
            return;
        }
        gate.admit().whenComplete((admitted, refused) -> {
            if (refused != null) {
                Api.failRetryLater(exchange, refused, PublishGate.RETRY_AFTER_SECONDS);
            } else {
                publish(message, exchange);
            }
        });
    }

    private void publish(Message message, HttpExchange exchange) {
        bus.publishMessage(message).whenComplete((ok, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else {
                Api.send(exchange, 202, Api.ok());
            }
        });
    }
}
