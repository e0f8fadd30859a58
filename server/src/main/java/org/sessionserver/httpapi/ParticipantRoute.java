package org.sessionserver.httpapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.sessionserver.bus.Names;
import org.sessionserver.bus.Presence;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.Topics;
import org.sessionserver.errors.ErrorCode;
import org.sessionserver.routing.ClusterDisconnects;
import org.sessionserver.transport.http.HttpExchange;
import org.sessionserver.transport.http.HttpRoute;

/**
 * {@code GET /participants/{id}} with the engine key: whether the participant is online, its topics and its
 * connections in the cluster (as {@code /connections} lists them). {@code DELETE /participants/{id}/connections}
 * closes every connection of the participant on every node, {@code {"ok":true,"closed":n}}.
 * {@code /participants/{id}/request} goes on to {@link RequestRoute}.
 */
public final class ParticipantRoute implements HttpRoute {
    public static final String PREFIX = "/participants/";

    private final EngineKeyGuard guard;
    private final Topics topics;
    private final SessionReads sessions;
    private static final String CONNECTIONS = "/connections";

    private final RequestRoute requests;
    private final ClusterDisconnects disconnects;

    ParticipantRoute(EngineKeyGuard guard, Topics topics, SessionReads sessions, RequestRoute requests,
                     ClusterDisconnects disconnects) {
        this.guard = guard;
        this.topics = topics;
        this.sessions = sessions;
        this.requests = requests;
        this.disconnects = disconnects;
    }

    @Override
    public void handle(FullHttpRequest request, QueryStringDecoder uri, HttpExchange exchange) {
        String rest = uri.path().substring(PREFIX.length());
        if (rest.endsWith(CONNECTIONS) && rest.indexOf('/') == rest.length() - CONNECTIONS.length()) {
            disconnect(request, QueryStringDecoder.decodeComponent(rest.substring(0, rest.indexOf('/'))), exchange);
            return;
        }
        if (rest.contains("/")) {
            requests.handle(request, uri, exchange);
            return;
        }
        if (!Api.requireMethod(request, exchange, HttpMethod.GET) || !guard.admits(request, exchange)) {
            return;
        }
        String participantId = QueryStringDecoder.decodeComponent(rest);
        if (!Names.isValid(participantId)) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "a participant id must be " + Names.RULE);
            return;
        }
        Presence.ofParticipant(topics, sessions, participantId).whenComplete((participant, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
                return;
            }
            ObjectNode body = Api.ok().put("participantId", participantId).put("online", participant.online());
            ArrayNode topicList = body.putArray("topics");
            participant.topics().stream().sorted().forEach(topicList::add);
            ArrayNode connections = body.putArray("connections");
            participant.connections().forEach(session -> ConnectionsRoute.describe(connections.addObject(), session));
            Api.send(exchange, 200, body);
        });
    }

    private void disconnect(FullHttpRequest request, String participantId, HttpExchange exchange) {
        if (!Api.requireMethod(request, exchange, HttpMethod.DELETE) || !guard.admits(request, exchange)) {
            return;
        }
        if (!Names.isValid(participantId)) {
            Api.fail(exchange, ErrorCode.BAD_REQUEST, "a participant id must be " + Names.RULE);
            return;
        }
        sessions.ofParticipant(participantId).thenCompose(disconnects::disconnect).whenComplete((closed, failure) -> {
            if (failure != null) {
                Api.fail(exchange, failure);
            } else {
                Api.send(exchange, 200, Api.ok().put("closed", closed));
            }
        });
    }
}
