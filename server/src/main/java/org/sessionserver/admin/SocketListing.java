package org.sessionserver.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.sessionserver.bus.ClusterCalls;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.sessions.Connection;
import org.sessionserver.sessions.LocalSessions;
import org.sessionserver.sessions.LocalTopics;

/**
 * The admin UI's {@code all_sockets}: every session of the cluster. The session directory says which nodes hold
 * sessions; each lists its own when asked ({@link ClusterPacket.Type#ADMIN_SOCKETS}), as they are now: the transport
 * after an upgrade, the topics it knows. A node that does not answer within {@link #ANSWER_WITHIN} is listed from the
 * directory alone (the transport its sessions opened with, no topics).
 */
final class SocketListing {
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
    private static final String SOCKETS = "sockets";

    private final String nodeId;
    private final SessionReads directory;
    private final ClusterCalls calls;
    private final LocalSessions sessions;
    private final LocalTopics topics;

    SocketListing(String nodeId, SessionReads directory, ClusterCalls calls, LocalSessions sessions,
                  LocalTopics topics) {
        this.nodeId = nodeId;
        this.directory = directory;
        this.calls = calls;
        this.sessions = sessions;
        this.topics = topics;
        calls.answer(ClusterPacket.Type.ADMIN_SOCKETS, question -> CompletableFuture.completedFuture(
                (ObjectNode) JsonNodeFactory.instance.objectNode().set(SOCKETS, here())));
    }

    /** This node's sessions. */
    ArrayNode here() {
        ArrayNode sockets = JsonNodeFactory.instance.arrayNode();
        for (Connection connection : sessions.all()) {
            SessionRecord session = connection.session();
            sockets.add(SocketView.of(session, connection.transport(), topics.topicsOf(session.participantId())));
        }
        return sockets;
    }

    /** Every node's sessions: this node's, and those of each node the directory names. */
    CompletionStage<ArrayNode> all() {
        return directory.all().thenCompose(records -> {
            Map<String, List<SessionRecord>> byNode = records.stream()
                    .filter(record -> !record.nodeId().equals(nodeId))
                    .collect(Collectors.groupingBy(SessionRecord::nodeId));
            List<CompletableFuture<JsonNode>> parts = new ArrayList<>();
            parts.add(CompletableFuture.completedFuture(here()));
            byNode.forEach((node, theirs) -> parts.add(calls.ask(ClusterPacket.Type.ADMIN_SOCKETS, node,
                            JsonNodeFactory.instance.objectNode(), ANSWER_WITHIN)
                    .thenApply(answer -> answer.path(SOCKETS))
                    .exceptionally(silent -> fromDirectory(theirs))));
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
                ArrayNode all = JsonNodeFactory.instance.arrayNode();
                parts.forEach(part -> part.join().forEach(all::add));
                return all;
            });
        });
    }

    private static ArrayNode fromDirectory(List<SessionRecord> records) {
        ArrayNode sockets = JsonNodeFactory.instance.arrayNode();
        records.forEach(record -> sockets.add(SocketView.of(record, List.of())));
        return sockets;
    }
}
