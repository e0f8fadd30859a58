package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import org.sessionserver.bus.Names;
import org.sessionserver.bus.Presence;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.errors.Refusal;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * The topic routes, with the engine key: {@code PUT} and {@code DELETE /topics/{t}/members/{id}} (one member),
 * {@code POST /topics/{t}/members} with {@code {"add":[ids],"remove":[ids]}}, and {@code GET /topics/{t}}, the
 * members with their presence in the cluster. A change is answered once every node has been told of it.
 */
public final class TopicsRoute implements HttpRoute {
    public static final String PREFIX = "/topics/";
    private static final String MEMBERS = "members";

    private final EngineKeyGuard guard;
    private final Topics topics;
    private final SessionReads sessions;

    TopicsRoute(EngineKeyGuard guard, Topics topics, SessionReads sessions) {
        this.guard = guard;
        this.topics = topics;
        this.sessions = sessions;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        String[] path = uri.path().substring(PREFIX.length()).split("/", -1);
        boolean one = path.length == 3 && path[1].equals(MEMBERS);
        boolean bulk = path.length == 2 && path[1].equals(MEMBERS);
        if (!(path.length == 1 || one || bulk)) {
            Api.fail(exchange, ErrorCode.NOT_FOUND,
                    "use /topics/{topic}, /topics/{topic}/members or /topics/{topic}/members/{participantId}");
            return;
        }
        HttpMethod method = request.method();
        if (path.length == 1 && !method.equals(HttpMethod.GET)) {
            Api.rejectMethod(exchange, "GET");
            return;
        }
        if (bulk && !method.equals(HttpMethod.POST)) {
            Api.rejectMethod(exchange, "POST");
            return;
        }
        if (one && !method.equals(HttpMethod.PUT) && !method.equals(HttpMethod.DELETE)) {
            Api.rejectMethod(exchange, "PUT or DELETE");
            return;
        }
        if (!guard.admits(request, exchange)) {
            return;
        }
        String topic = QueryStringDecoder.decodeComponent(path[0]);
        if (!Names.isValid(topic)) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "a topic name must be " + Names.RULE);
            return;
        }
        try {
            if (path.length == 1) {
                presence(exchange, topic);
            } else if (one) {
                changeOne(exchange, topic, QueryStringDecoder.decodeComponent(path[2]),
                        method.equals(HttpMethod.PUT));
            } else {
                JsonNode body = Api.json(request);
                change(exchange, TopicChange.of(topic, ids(body, "add"), ids(body, "remove")));
            }
        } catch (Refusal refusal) {
            Api.fail(exchange, refusal.code(), refusal.getMessage());
        } catch (IllegalArgumentException badChange) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, badChange.getMessage());
        }
    }

    private void presence(HttpExchange exchange, String topic) {
        Presence.ofTopic(topics, sessions, topic).whenComplete((members, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
                return;
            }
            ObjectNode body = Api.ok().put("topic", topic);
            ArrayNode list = body.putArray("members");
            members.forEach(member -> list.addObject().put("participantId", member.participantId())
                    .put("online", member.online()).put("connections", member.connections()));
            Api.send(exchange, 200, body);
        });
    }

    private void changeOne(HttpExchange exchange, String topic, String participantId, boolean join) {
        TopicChange change = join ? TopicChange.join(topic, participantId) : TopicChange.leave(topic, participantId);
        topics.change(change).whenComplete((result, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else if (join) {
                Api.send(exchange, 200, Api.ok().put("joined", result.added() > 0));
            } else {
                Api.send(exchange, 200, Api.ok().put("left", result.removed() > 0));
            }
        });
    }

    private void change(HttpExchange exchange, TopicChange change) {
        topics.change(change).whenComplete((result, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else {
                Api.send(exchange, 200, Api.ok().put("added", result.added()).put("removed", result.removed()));
            }
        });
    }

    /**
     * The ids under {@code field} (absent: none); a refusal unless the body is an object and they are strings. Their
     * names and count are checked by {@link TopicChange#of}.
     */
    private static List<String> ids(JsonNode body, String field) {
        if (!body.isObject()) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "the body must be {\"add\":[ids],\"remove\":[ids]}");
        }
        JsonNode array = body.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new Refusal(ErrorCode.BAD_REQUEST, field + " must be an array of participant ids");
        }
        List<String> ids = new ArrayList<>(array.size());
        for (JsonNode id : array) {
            if (!id.isTextual()) {
                throw new Refusal(ErrorCode.BAD_REQUEST, field + " must be an array of participant ids");
            }
            ids.add(id.textValue());
        }
        return ids;
    }
}
