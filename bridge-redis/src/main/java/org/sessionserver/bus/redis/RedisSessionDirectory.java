package org.sessionserver.bus.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directory in Redis. Each node keeps a hash of its sessions ({@code <prefix>node:<id>:sessions}), an
 * index per participant ({@code <prefix>participant:<id>}) and a heartbeat key ({@code <prefix>node:<id>:alive})
 * refreshed every third of the TTL. Readers skip sessions of nodes whose heartbeat expired and clear them out, so a
 * dead node's sessions vanish within the TTL. When the heartbeat finds its key gone (Redis restarted, or a blip
 * longer than the TTL) the node writes all its sessions again.
 */
public final class RedisSessionDirectory implements SessionDirectory {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionDirectory.class);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final long ttlMs;
    private final Map<String, SessionRecord> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;

    public RedisSessionDirectory(RedisConnections redis, RedisKeys keys, String nodeId, long ttlMs) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = nodeId;
        this.ttlMs = ttlMs;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "directory-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, 0, Math.max(100, ttlMs / 3), TimeUnit.MILLISECONDS);
        redis.onReconnect(() -> heartbeat.execute(this::beat));
    }

    @Override
    public CompletionStage<Void> register(SessionRecord session) {
        local.put(session.sessionId(), session);
        return write(session);
    }

    @Override
    public CompletionStage<Void> unregister(SessionRecord session) {
        if (!local.remove(session.sessionId(), session)) {
            return CompletableFuture.completedFuture(null);
        }
        RedisAsyncCommands<String, String> redis = this.redis.async();
        return CompletableFuture.allOf(
                redis.hdel(keys.nodeSessions(nodeId), session.sessionId()).toCompletableFuture(),
                redis.hdel(keys.participant(session.participantId()), session.sessionId()).toCompletableFuture());
    }

    @Override
    public CompletionStage<List<SessionRecord>> all() {
        RedisAsyncCommands<String, String> redis = this.redis.async();
        return redis.smembers(keys.nodes()).thenCompose(nodes -> alive(nodes).thenCompose(alive -> {
            List<CompletableFuture<List<String>>> reads = new ArrayList<>();
            for (String node : nodes) {
                if (alive.contains(node)) {
                    reads.add(redis.hvals(keys.nodeSessions(node)).toCompletableFuture());
                } else {
                    forget(node);
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
        RedisAsyncCommands<String, String> redis = this.redis.async();
        String index = keys.participant(participantId);
        return redis.hvals(index).thenCompose(values -> {
            List<SessionRecord> sessions = values.stream().map(SessionRecord::fromJson).toList();
            Set<String> nodes = new HashSet<>();
            sessions.forEach(session -> nodes.add(session.nodeId()));
            return alive(nodes).thenApply(alive -> {
                List<SessionRecord> live = new ArrayList<>();
                for (SessionRecord session : sessions) {
                    if (alive.contains(session.nodeId())) {
                        live.add(session);
                    } else {
                        redis.hdel(index, session.sessionId());
                    }
                }
                return live;
            });
        });
    }

    /** Removes this node's entries (a clean shutdown: peers need not wait for the TTL). */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (!redis.isUp()) {
            return;
        }
        RedisAsyncCommands<String, String> redis = this.redis.async();
        List<RedisFuture<?>> writes = new ArrayList<>();
        for (SessionRecord session : local.values()) {
            writes.add(redis.hdel(keys.participant(session.participantId()), session.sessionId()));
        }
        writes.add(redis.del(keys.nodeSessions(nodeId), keys.nodeAlive(nodeId)));
        writes.add(redis.srem(keys.nodes(), nodeId));
        try {
            CompletableFuture.allOf(writes.stream().map(RedisFuture::toCompletableFuture)
                    .toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not remove node {} from the directory: {}", nodeId, e.toString());
        }
        local.clear();
    }

    private CompletableFuture<Void> write(SessionRecord session) {
        RedisAsyncCommands<String, String> redis = this.redis.async();
        String json = session.toJson();
        return CompletableFuture.allOf(
                redis.hset(keys.nodeSessions(nodeId), session.sessionId(), json).toCompletableFuture(),
                redis.hset(keys.participant(session.participantId()), session.sessionId(), json).toCompletableFuture());
    }

    private void beat() {
        if (!redis.isUp()) {
            return;
        }
        try {
            RedisAsyncCommands<String, String> redis = this.redis.async();
            long timeout = RedisConnections.COMMAND_TIMEOUT.toMillis();
            String previous = redis.setGet(keys.nodeAlive(nodeId), "1", SetArgs.Builder.px(ttlMs))
                    .get(timeout, TimeUnit.MILLISECONDS);
            // Re-added to the node set: a reader found this node dead during a pause and cleared its entries.
            boolean forgotten = redis.sadd(keys.nodes(), nodeId).get(timeout, TimeUnit.MILLISECONDS) == 1;
            if ((previous == null || forgotten) && !local.isEmpty()) {
                log.info("directory entries of node {} were lost; writing its {} sessions again", nodeId, local.size());
                local.values().forEach(this::write);
            }
        } catch (Exception e) {
            log.debug("heartbeat of node {} failed: {}", nodeId, e.toString());
        }
    }

    private CompletableFuture<Set<String>> alive(Set<String> nodes) {
        if (nodes.isEmpty()) {
            return CompletableFuture.completedFuture(Set.of());
        }
        List<String> ordered = new ArrayList<>(nodes);
        String[] aliveKeys = ordered.stream().map(keys::nodeAlive).toArray(String[]::new);
        return redis.async().mget(aliveKeys).toCompletableFuture().thenApply(values -> {
            Set<String> alive = new HashSet<>();
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i).hasValue()) {
                    alive.add(ordered.get(i));
                }
            }
            return alive;
        });
    }

    private void forget(String deadNode) {
        RedisAsyncCommands<String, String> redis = this.redis.async();
        redis.del(keys.nodeSessions(deadNode));
        redis.srem(keys.nodes(), deadNode);
    }
}
