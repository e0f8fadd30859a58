package org.sessionserver.httpapi;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import org.sessionserver.auth.Credentials;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.json.ServerJson;
import org.sessionserver.transport.http.HttpExchange;

/** The shapes every HTTP API answer shares: {@code {"ok":true,...}} or {@code {"ok":false,"error":{code,message}}}. */
final class Api {
    private Api() {
    }

    static ObjectNode ok() {
        return JsonNodeFactory.instance.objectNode().put("ok", true);
    }

    static void send(HttpExchange exchange, int status, JsonNode body) {
        exchange.sendJson(HttpResponseStatus.valueOf(status), body.toString());
    }

    static void fail(HttpExchange exchange, ErrorCode code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("ok", false);
        body.set("error", code.body(message));
        send(exchange, code.httpStatus, body);
    }

    static void fail(HttpExchange exchange, Throwable failure) {
        Refusal refusal = Refusal.of(failure);
        fail(exchange, refusal.code(), refusal.getMessage());
    }

    /** As {@link #fail(HttpExchange, Throwable)}, with {@code Retry-After}: the client may try again that late. */
    static void failRetryLater(HttpExchange exchange, Throwable failure, long retryAfterSeconds) {
        Refusal refusal = Refusal.of(failure);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("ok", false);
        body.set("error", refusal.code().body(refusal.getMessage()));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(refusal.code().httpStatus),
                ByteBufUtil.writeUtf8(exchange.channel().alloc(), body.toString()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpExchange.JSON)
                .set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        exchange.send(response);
    }

    /** False (and a 405 sent) when the request does not use {@code method}. */
    static boolean requireMethod(FullHttpRequest request, HttpExchange exchange, HttpMethod method) {
        if (request.method().equals(method)) {
            return true;
        }
        rejectMethod(exchange, method.name());
        return false;
    }

    /** A 405 that says which methods the path takes ({@code "PUT or DELETE"}). */
    static void rejectMethod(HttpExchange exchange, String allowed) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("ok", false);
        body.set("error", JsonNodeFactory.instance.objectNode().put("code", "method_not_allowed")
                .put("message", "use " + allowed));
        exchange.sendJson(HttpResponseStatus.METHOD_NOT_ALLOWED, body.toString());
    }

    /** The token of {@code Authorization: Bearer <token>}, or null. */
    static String bearer(FullHttpRequest request) {
        return Credentials.bearerToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    }

    /** The request body as JSON; throws a {@code bad_request} refusal when it is not JSON. */
    static JsonNode json(FullHttpRequest request) {
        try (InputStream body = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode node = ServerJson.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new Refusal(ErrorCode.BAD_REQUEST, "the body must be JSON");
            }
            return node;
        } catch (JacksonException e) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "the body has a number out of range");
        } catch (IOException e) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "the body cannot be read");
        }
    }
}
