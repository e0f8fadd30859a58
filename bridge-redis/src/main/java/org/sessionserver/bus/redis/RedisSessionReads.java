package org.sessionserver.bus.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.sessionserver.bus.SessionReads;
import org.sessionserver.bus.SessionRecord;

/**
 * Reads of the session directory in Redis (its keys: {@link RedisSessionDirectory}), for nodes and engines alike.
 * Sessions of nodes whose heartbeat expired are skipped, so a dead node's sessions vanish within the TTL whoever
 * reads first; the nodes' heartbeats sweep them out (reporting each as lost first, which a reader cannot).
 */
public final class RedisSessionReads implements SessionReads {
    private final Supplier<RedisClusterAsyncCommands<String, String>> redis;
    private final RedisKeys keys;

    public RedisSessionReads(Supplier<RedisClusterAsyncCommands<String, String>> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public CompletionStage<List<SessionRecord>> all() {
        RedisClusterAsyncCommands<String, String> redis = this.redis.get();
        return redis.smembers(keys.nodes()).thenCompose(nodes -> alive(nodes).thenCompose(alive -> {
            List<CompletableFuture<List<String>>> reads = new ArrayList<>();
            for (String node : nodes) {
                if (alive.contains(node)) {
                    reads.add(redis.hvals(keys.nodeSessions(node)).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<SessionRecord> sessions = new ArrayList<>();
                reads.forEach(read -> read.join().forEach(json -> sessions.add(SessionRecord.fromJson(json))));
                return sessions;
            });
        }));
    }

    @Override
    public CompletionStage<List<SessionRecord>> ofParticipant(String participantId) {
        return ofParticipants(List.of(participantId)).thenApply(found -> found.get(participantId));
    }

    @Override
    public CompletionStage<Map<String, Integer>> connectionCounts(Collection<String> participantIds) {
        return ofParticipants(participantIds).thenApply(found -> {
            Map<String, Integer> counts = new HashMap<>();
            found.forEach((participant, sessions) -> counts.put(participant, sessions.size()));
            return counts;
        });
    }

    /** The live sessions of each participant: one HVALS each (pipelined), then one MGET of the nodes' heartbeats. */
    private CompletableFuture<Map<String, List<SessionRecord>>> ofParticipants(Collection<String> participantIds) {
        RedisClusterAsyncCommands<String, String> redis = this.redis.get();
        Map<String, CompletableFuture<List<String>>> reads = new HashMap<>();
        for (String participant : participantIds) {
            reads.put(participant, redis.hvals(keys.participant(participant)).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenCompose(done -> {
            Map<String, List<SessionRecord>> found = new HashMap<>();
            Set<String> nodes = new HashSet<>();
            reads.forEach((participant, read) -> {
                List<SessionRecord> sessions = read.join().stream().map(SessionRecord::fromJson).toList();
                sessions.forEach(session -> nodes.add(session.nodeId()));
                found.put(participant, sessions);
            });
            return alive(nodes).thenApply(alive -> {
                Map<String, List<SessionRecord>> live = new HashMap<>();
                found.forEach((participant, sessions) -> {
                    List<SessionRecord> kept = new ArrayList<>(sessions.size());
                    for (SessionRecord session : sessions) {
                        if (alive.contains(session.nodeId())) {
                            kept.add(session);
                        } else {
                            redis.hdel(keys.participant(participant), session.sessionId());
                        }
                    }
                    live.put(participant, kept);
                });
                return live;
            });
        });
    }

    /** How many nodes that registered sessions are alive. */
    public CompletionStage<Long> liveNodes() {
        return redis.get().smembers(keys.nodes()).thenCompose(nodes -> alive(nodes))
                .thenApply(alive -> (long) alive.size());
    }

    /** One GET per node (pipelined), not one MGET: each node's heartbeat lives in its own slot. */
    private CompletableFuture<Set<String>> alive(Set<String> nodes) {
        if (nodes.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        RedisClusterAsyncCommands<String, String> redis = this.redis.get();
        Map<String, CompletableFuture<String>> beats = new HashMap<>();
        for (String node : nodes) {
            beats.put(node, redis.get(keys.nodeAlive(node)).toCompletableFuture());
        }
        return CompletableFuture.allOf(beats.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Set<String> alive = new HashSet<>();
            beats.forEach((node, beat) -> {
                if (beat.join() != null) {
                    alive.add(node);
                }
            });
            return alive;
        });
    }
}
