package org.sessionserver.bus.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.sessionserver.bus.ClusterBus;
import org.sessionserver.bus.ClusterPacket;
import org.sessionserver.bus.SequenceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster channel over Redis: packets for every node (heartbeats, every {@code heartbeatMs}) are PUBLISHed on
 * {@code <prefix>cluster}; a packet for one node is SPUBLISHed on that node's sharded channel
 * ({@link RedisKeys#nodeIn}), so that questions, answers and recovery handovers cost only the two nodes concerned.
 * Each kind has its own sequence, so a receiver counts what it missed of either.
 */
public final class RedisClusterBus implements ClusterBus {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterBus.class);

    private final RedisConnections redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final long epoch = System.currentTimeMillis();
    private final AtomicLong broadcastSeq = new AtomicLong();
    private final Map<String, AtomicLong> directSeq = new ConcurrentHashMap<>();
    private final SequenceTracker broadcasts = new SequenceTracker();
    private final SequenceTracker direct = new SequenceTracker();
    private final ScheduledExecutorService heartbeat;
    private final Map<ClusterPacket.Type, List<Consumer<ClusterPacket>>> handlers =
            new EnumMap<>(ClusterPacket.Type.class);
    private volatile LongConsumer missed = count -> { };

    public RedisClusterBus(RedisConnections redis, RedisKeys keys, String nodeId, long heartbeatMs) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = nodeId;
        for (ClusterPacket.Type type : ClusterPacket.Type.values()) {
            handlers.put(type, new CopyOnWriteArrayList<>());
        }
        redis.subscribe(keys.cluster(), json -> receive(json, broadcasts));
        // Waited for, so that questions to this node reach it from its start; a failure (Redis refusing, as a cluster
        // node does without REDIS_CLUSTER) leaves the node up and degraded, as /health says, not unable to start.
        redis.subscribeSharded(keys.nodeIn(nodeId), json -> receive(json, direct)).exceptionally(failure -> {
            log.warn("not subscribed to {}: {}", keys.nodeIn(nodeId), failure.toString());
            return null;
        }).join();
        heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cluster-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleWithFixedDelay(() -> publish(ClusterPacket.Type.HEARTBEAT, null,
                JsonNodeFactory.instance.objectNode()), 0, heartbeatMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(ClusterPacket.Type type, String to, JsonNode body) {
        if (!redis.isUp()) {
            return; // at most once: a packet that cannot go now is not queued (and its sequence is not spent)
        }
        if (to == null) {
            ClusterPacket packet = new ClusterPacket(type, nodeId, epoch, broadcastSeq.incrementAndGet(), null, body);
            redis.async().publish(keys.cluster(), packet.toJson());
        } else {
            long seq = directSeq.computeIfAbsent(to, node -> new AtomicLong()).incrementAndGet();
            redis.publishSharded(keys.nodeIn(to), new ClusterPacket(type, nodeId, epoch, seq, to, body).toJson());
        }
    }

    @Override
    public void onPacket(ClusterPacket.Type type, Consumer<ClusterPacket> handler) {
        handlers.get(type).add(handler);
    }

    @Override
    public void onMissed(LongConsumer listener) {
        this.missed = listener;
    }

    private void receive(String json, SequenceTracker tracker) {
        ClusterPacket packet;
        try {
            packet = ClusterPacket.fromJson(json);
        } catch (IllegalArgumentException e) {
            log.warn("dropped a malformed cluster packet: {}", e.getMessage());
            return;
        }
        if (packet.from().equals(nodeId)) {
            return;
        }
        long gap = tracker.observe(packet.from(), packet.epoch(), packet.seq());
        if (gap > 0) {
            log.warn("missed {} cluster packets from node {}: messages published meanwhile may be lost here",
                    gap, packet.from());
            missed.accept(gap);
        }
        if (packet.to() == null || packet.to().equals(nodeId)) {
            handlers.get(packet.type()).forEach(handler -> handler.accept(packet));
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }
}
