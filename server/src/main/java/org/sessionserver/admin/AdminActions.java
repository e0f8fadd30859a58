package org.sessionserver.admin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.sessionserver.bus.Names;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.SessionRecord;
import org.sessionserver.bus.TopicChange;
import org.sessionserver.bus.Topics;
import org.sessionserver.routing.ClusterDisconnects;

/**
 * The admin UI's actions mapped onto ours. The UI names what to act on by a {@code filter}, as socket.io's
 * {@code io.in(filter)}: a socket id (our session id), a room (our topic: the sessions of its members), or nothing
 * (every session in the cluster). Disconnecting closes the sessions for good, wherever they are
 * ({@link ClusterDisconnects}, the engine's {@code DELETE} routes); joining and leaving a room changes the topic
 * membership of the sessions' participants ({@link Topics}, as the engine's topic routes do), so every session of a
 * participant joins with it. A room that is a session's own id is no topic: joining or leaving it changes nothing.
 */
final class AdminActions {
    private final SessionReads directory;
    private final ClusterDisconnects disconnects;
    private final Topics topics;

    AdminActions(SessionReads directory, ClusterDisconnects disconnects, Topics topics) {
        this.directory = directory;
        this.disconnects = disconnects;
        this.topics = topics;
    }

    /** Completes with how many sessions were closed. */
    CompletionStage<Integer> disconnect(String filter) {
        return targets(filter).thenCompose(disconnects::disconnect);
    }

    CompletionStage<TopicChange.Result> join(String room, String filter) {
        if (!isTopic(room, filter)) {
            return nothing();
        }
        return targets(filter).thenCompose(sessions -> {
            List<String> participants = participantsOf(sessions);
            return participants.isEmpty() ? nothing() : topics.change(TopicChange.of(room, participants, List.of()));
        });
    }

    /** Without a filter every member of the topic leaves it, not only those connected now. */
    CompletionStage<TopicChange.Result> leave(String room, String filter) {
        if (!isTopic(room, filter)) {
            return nothing();
        }
        CompletionStage<List<String>> leaving = filter == null
                ? topics.members(room).thenApply(List::copyOf)
                : targets(filter).thenApply(AdminActions::participantsOf);
        return leaving.thenCompose(participants -> participants.isEmpty() ? nothing()
                : topics.change(TopicChange.of(room, List.of(), participants)));
    }

    /** The sessions a filter names: the one with that id, else the sessions of the topic's members, else none. */
    CompletionStage<List<SessionRecord>> targets(String filter) {
        return directory.all().thenCompose(all -> {
            if (filter == null) {
                return CompletableFuture.completedFuture(all);
            }
            List<SessionRecord> socket = all.stream().filter(s -> s.sessionId().equals(filter)).toList();
            if (!socket.isEmpty() || !Names.isValid(filter)) {
                return CompletableFuture.completedFuture(socket);
            }
            return topics.members(filter).thenApply(members -> all.stream()
                    .filter(s -> members.contains(s.participantId())).toList());
        });
    }

    /** A room the UI may mean as a topic: a valid name, and not the socket's own room. */
    private static boolean isTopic(String room, String filter) {
        return Names.isValid(room) && !room.equals(filter);
    }

    private static List<String> participantsOf(List<SessionRecord> sessions) {
        Set<String> ids = sessions.stream().map(SessionRecord::participantId)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return List.copyOf(ids);
    }

    private static CompletableFuture<TopicChange.Result> nothing() {
        return CompletableFuture.completedFuture(new TopicChange.Result(0, 0));
    }
}
