package org.sessionserver.bus.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.sessionserver.bus.SessionDirectory;
import org.sessionserver.bus.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directory in Redis. Each node keeps a hash of its sessions ({@code <prefix>node:<id>:sessions}), an
 * index per participant ({@code <prefix>participant:<id>}) and a heartbeat key ({@code <prefix>node:<id>:alive})
 * refreshed every third of the TTL; reads are {@link RedisSessionReads}. When the heartbeat finds its key gone (Redis
 * restarted, or a blip longer than the TTL) the node writes all its sessions again. As often, on a thread of its own,
 * it sweeps the nodes whose key expired: their sessions go to the {@link #onSessionsLost} listener, then out of the
 * directory.
 */
public final class RedisSessionDirectory implements SessionDirectory {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionDirectory.class);
    /** How long after a heartbeat key's expiry its node is looked at again (Redis expires keys lazily or by sampling). */
    private static final long EXPIRY_MARGIN_MS = 20;

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final long ttlMs;
    private final Map<String, SessionRecord> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;
    private final ScheduledExecutorService sweeper;
    /** The heartbeat's period, and the sweeps'. */
    private final long sweepPeriodMs;
    private final RedisSessionReads reads;
    private volatile Function<SessionRecord, CompletionStage<Void>> lost =
            session -> CompletableFuture.completedFuture(null);

    public RedisSessionDirectory(RedisConnections redis, RedisKeys keys, String nodeId, long ttlMs) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = nodeId;
        this.ttlMs = ttlMs;
        this.reads = new RedisSessionReads(redis::async, keys);
        this.heartbeat = daemon("directory-heartbeat");
        // Sweeps on a thread of their own: a long one (a dead node of many sessions) must not delay this node's own
        // heartbeat past its TTL, or the others would sweep a live node.
        this.sweeper = daemon("directory-sweep");
        this.sweepPeriodMs = Math.max(100, ttlMs / 3);
        heartbeat.scheduleWithFixedDelay(this::beat, 0, sweepPeriodMs, TimeUnit.MILLISECONDS);
        sweeper.scheduleWithFixedDelay(this::sweepDeadNodes, sweepPeriodMs, sweepPeriodMs, TimeUnit.MILLISECONDS);
        redis.onReconnect(() -> heartbeat.execute(this::beat));
    }

    @Override
    public CompletionStage<List<SessionRecord>> all() {
        return reads.all();
    }

    @Override
    public CompletionStage<List<SessionRecord>> ofParticipant(String participantId) {
        return reads.ofParticipant(participantId);
    }

    @Override
    public CompletionStage<Map<String, Integer>> connectionCounts(Collection<String> participantIds) {
        return reads.connectionCounts(participantIds);
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
        RedisClusterAsyncCommands<String, String> redis = this.redis.async();
        return CompletableFuture.allOf(
                redis.hdel(keys.nodeSessions(nodeId), session.sessionId()).toCompletableFuture(),
                redis.hdel(keys.participant(session.participantId()), session.sessionId()).toCompletableFuture());
    }

    @Override
    public void onSessionsLost(Function<SessionRecord, CompletionStage<Void>> listener) {
        this.lost = listener;
    }

    /** Removes this node's entries (a clean shutdown: peers need not wait for the TTL). */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        sweeper.shutdownNow();
        if (!redis.isUp()) {
            return;
        }
        RedisClusterAsyncCommands<String, String> redis = this.redis.async();
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

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private CompletableFuture<Void> write(SessionRecord session) {
        RedisClusterAsyncCommands<String, String> redis = this.redis.async();
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
            RedisClusterAsyncCommands<String, String> redis = this.redis.async();
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

    /**
     * Sweeps the nodes whose heartbeat key is gone, and schedules a sweep of each one whose key expires before the
     * next round, for just after it expires: a dead node's sessions are told lost right after they stop counting,
     * within the TTL of its last heartbeat, not up to a round later.
     */
    private void sweepDeadNodes() {
        if (!redis.isUp()) {
            return;
        }
        try {
            RedisClusterAsyncCommands<String, String> redis = this.redis.async();
            long timeout = RedisConnections.COMMAND_TIMEOUT.toMillis();
            for (String node : redis.smembers(keys.nodes()).get(timeout, TimeUnit.MILLISECONDS)) {
                if (node.equals(nodeId)) {
                    continue;
                }
                long left = redis.pttl(keys.nodeAlive(node)).get(timeout, TimeUnit.MILLISECONDS);
                if (left == -2) { // no key: dead
                    sweep(redis, node, timeout);
                } else if (left >= 0 && left < sweepPeriodMs) {
                    sweeper.schedule(() -> sweepIfDead(node), left + EXPIRY_MARGIN_MS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (Exception e) {
            log.debug("sweep by node {} failed: {}", nodeId, e.toString());
        }
    }

    private void sweepIfDead(String node) {
        try {
            RedisClusterAsyncCommands<String, String> redis = this.redis.async();
            long timeout = RedisConnections.COMMAND_TIMEOUT.toMillis();
            if (redis.exists(keys.nodeAlive(node)).get(timeout, TimeUnit.MILLISECONDS) == 0) {
                sweep(redis, node, timeout);
            }
        } catch (Exception e) {
            log.debug("sweep of node {} by node {} failed: {}", node, nodeId, e.toString());
        }
    }

    /**
     * Clears a dead node's sessions: each is reported lost, then removed from its participant's index; the node's
     * own entries go last, so that a sweep cut short (by this node's death or a Redis error) is done again by the
     * next one, on whichever node.
     */
    private void sweep(RedisClusterAsyncCommands<String, String> redis, String dead, long timeout) throws Exception {
        Collection<String> sessions = redis.hvals(keys.nodeSessions(dead)).get(timeout, TimeUnit.MILLISECONDS);
        List<CompletableFuture<?>> cleared = new ArrayList<>(sessions.size());
        for (String json : sessions) {
            SessionRecord session = SessionRecord.fromJson(json);
            cleared.add(lost.apply(session).toCompletableFuture().thenCompose(told -> redis
                    .hdel(keys.participant(session.participantId()), session.sessionId()).toCompletableFuture()));
        }
        CompletableFuture.allOf(cleared.toArray(CompletableFuture[]::new))
                .get(timeout + sessions.size(), TimeUnit.MILLISECONDS);
        redis.del(keys.nodeSessions(dead)).get(timeout, TimeUnit.MILLISECONDS);
        redis.srem(keys.nodes(), dead).get(timeout, TimeUnit.MILLISECONDS);
        log.info("node {} stopped heartbeating: its {} sessions left the directory", dead, sessions.size());
    }
}
