package org.sessionserver.bus.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * A Redis Cluster for tests: six redis-server processes (three masters, three replicas, {@code cluster-node-timeout}
 * 1000, full coverage not required) on free loopback ports, made a cluster by {@code redis-cli --cluster create}.
 * {@link #killMasterOf} kills the master of a key's slot with SIGKILL; its replica takes over, and the killed server,
 * started again, rejoins as a replica. {@link #migrateSlot} moves a slot to another master, keys and all.
 */
public final class RedisClusterSet implements TestRedis {
    public static final long NODE_TIMEOUT_MS = 1_000;
    private static final Duration READY = Duration.ofSeconds(30);

    private final List<RedisServerProcess> servers = new ArrayList<>();
    private final RedisClient admin = RedisClient.create();
    private RedisClusterClient client;
    private StatefulRedisClusterConnection<String, String> connection;

    private final int replicas;

    private RedisClusterSet(int replicas) {
        this.replicas = replicas;
    }

    /** Three masters with one replica each. */
    public static RedisClusterSet start() {
        return start(1);
    }

    /** Three masters with {@code replicas} replicas each (two, for masters that keep one after a failover). */
    public static RedisClusterSet start(int replicas) {
        RedisClusterSet cluster = new RedisClusterSet(replicas);
        try {
            for (int i = 0; i < 3 * (1 + replicas); i++) {
                cluster.servers.add(RedisServerProcess.start(false, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS),
                        "--cluster-require-full-coverage", "no")));
            }
            cluster.create();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(cli(), "--cluster", "create"));
        servers.forEach(server -> command.add("127.0.0.1:" + server.port()));
        command.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
        Path log = servers.get(0).dir().resolve("cluster-create.log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every running server says {@code cluster_state:ok} and knows a running master for every slot. */
    public void awaitOk() {
        Wait.until(READY, () -> {
            for (RedisServerProcess server : servers) {
                if (server.isRunning() && !clusterInfo(server.port()).contains("cluster_state:ok")) {
                    return false;
                }
            }
            return servers.stream().filter(RedisServerProcess::isRunning).allMatch(server ->
                    mastersByPort(server.port()).stream().allMatch(port -> processOn(port).isRunning())
                    && replicaSynced(server.port()));
        }, "cluster_state:ok on every node, every replica synced");
    }

    @Override
    public Kind kind() {
        return Kind.CLUSTER;
    }

    /** The seed list: every server. */
    @Override
    public String url() {
        return "redis://" + servers.stream().map(server -> "127.0.0.1:" + server.port())
                .collect(Collectors.joining(","));
    }

    @Override
    public Map<String, String> env() {
        return Map.of("REDIS_URL", url(), "REDIS_CLUSTER", "true");
    }

    /** The server that is master of {@code key}'s slot now, as a running server sees it. */
    public RedisServerProcess masterOf(String key) {
        return masterOfSlot(SlotHash.getSlot(key));
    }

    /** The server that is master of {@code slot} now, as a running server sees it. */
    public RedisServerProcess masterOfSlot(int slot) {
        for (RedisServerProcess server : servers) {
            if (!server.isRunning()) {
                continue;
            }
            for (String line : clusterNodes(server.port()).split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    if (covers(fields[i], slot)) {
                        return processOn(port(fields[1]));
                    }
                }
            }
        }
        throw new IllegalStateException("no master for slot " + slot);
    }

    /** The running replicas of {@code master}, as {@code master} itself sees them. */
    public List<RedisServerProcess> replicasOf(RedisServerProcess master) {
        String[] lines = clusterNodes(master.port()).split("\n");
        String masterId = java.util.Arrays.stream(lines).filter(line -> line.contains("myself"))
                .map(line -> line.trim().split(" ")[0]).findFirst()
                .orElseThrow(() -> new IllegalStateException("no CLUSTER NODES from " + master.port()));
        List<RedisServerProcess> replicas = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.trim().split(" ");
            if (fields.length > 3 && fields[2].contains("slave") && fields[3].equals(masterId)) {
                RedisServerProcess replica = processOn(port(fields[1]));
                if (replica.isRunning()) {
                    replicas.add(replica);
                }
            }
        }
        return replicas;
    }

    /** Kills (SIGKILL) the master of {@code key}'s slot and returns it, to be started again later. */
    public RedisServerProcess killMasterOf(String key) {
        RedisServerProcess master = masterOf(key);
        master.stop();
        return master;
    }

    /**
     * Moves {@code slot} from its master to another master as {@code redis-cli --cluster reshard} does: the target
     * IMPORTING and the source MIGRATING it, its keys MIGRATEd one at a time {@code pause} apart (clients meanwhile
     * get ASK for the keys already moved), then {@code SETSLOT <slot> NODE <target>} on the target, the source and
     * the other masters. Returns the new master.
     */
    public RedisServerProcess migrateSlot(int slot, Duration pause) {
        RedisServerProcess source = masterOfSlot(slot);
        RedisServerProcess target = servers.stream().filter(RedisServerProcess::isRunning)
                .filter(server -> server != source && isMaster(server.port())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no other master to move slot " + slot + " to"));
        try (StatefulRedisConnection<String, String> from = single(source.port());
             StatefulRedisConnection<String, String> to = single(target.port())) {
            String sourceId = from.sync().clusterMyId();
            String targetId = to.sync().clusterMyId();
            to.sync().clusterSetSlotImporting(slot, sourceId);
            from.sync().clusterSetSlotMigrating(slot, targetId);
            for (List<String> keys = from.sync().clusterGetKeysInSlot(slot, 1); !keys.isEmpty();
                 keys = from.sync().clusterGetKeysInSlot(slot, 1)) {
                from.sync().migrate("127.0.0.1", target.port(), 0, 5_000,
                        io.lettuce.core.MigrateArgs.Builder.keys(keys));
                Wait.settle(pause);
            }
            to.sync().clusterSetSlotNode(slot, targetId);
            from.sync().clusterSetSlotNode(slot, targetId);
            for (RedisServerProcess other : servers) {
                if (other != source && other != target && other.isRunning() && isMaster(other.port())) {
                    try (StatefulRedisConnection<String, String> single = single(other.port())) {
                        single.sync().clusterSetSlotNode(slot, targetId);
                    }
                }
            }
        }
        Wait.until(READY, () -> masterOfSlot(slot) == target, "slot " + slot + " served by " + target.port());
        return target;
    }

    @Override
    public synchronized RedisAdvancedClusterCommands<String, String> commands() {
        if (connection == null) {
            client = RedisClusterClient.create(servers.stream()
                    .map(server -> RedisURI.create(server.url())).toList());
            client.setOptions(ClusterClientOptions.builder()
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(1)).enableAllAdaptiveRefreshTriggers().build())
                    .nodeFilter(node -> !node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.FAIL))
                    .build());
            connection = client.connect();
        }
        return connection.sync();
    }

    @Override
    public long subscribers(String channel) {
        return sumOverServers(single -> single.sync().pubsubNumsub(channel).getOrDefault(channel, 0L));
    }

    @Override
    public void killPubSubClients() {
        sumOverServers(single -> single.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()));
    }

    @Override
    public long shardSubscribers(String channel) {
        return sumOverServers(single -> single.sync().pubsubShardNumsub(channel).getOrDefault(channel, 0L));
    }

    public List<RedisServerProcess> servers() {
        return List.copyOf(servers);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            connection = null;
        }
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        servers.forEach(RedisServerProcess::close);
    }

    private long sumOverServers(ToLongFunction<StatefulRedisConnection<String, String>> count) {
        long sum = 0;
        for (RedisServerProcess server : servers) {
            if (server.isRunning()) {
                try (StatefulRedisConnection<String, String> single = single(server.port())) {
                    sum += count.applyAsLong(single);
                } catch (RuntimeException e) {
                    // a server going down: it holds no subscriber
                }
            }
        }
        return sum;
    }

    private List<Integer> mastersByPort(int port) {
        List<Integer> masters = new ArrayList<>();
        for (String line : clusterNodes(port).split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length >= 9 && fields[2].contains("master") && !fields[2].contains("fail")) {
                masters.add(port(fields[1]));
            }
        }
        return masters;
    }

    private RedisServerProcess processOn(int port) {
        return servers.stream().filter(server -> server.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server on " + port));
    }

    private static int port(String address) {
        String hostPort = address.split("@")[0];
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static boolean covers(String range, int slot) {
        if (range.startsWith("[")) {
            return false; // a slot being imported or migrated
        }
        String[] bounds = range.split("-");
        int low = Integer.parseInt(bounds[0]);
        int high = bounds.length > 1 ? Integer.parseInt(bounds[1]) : low;
        return slot >= low && slot <= high;
    }

    private boolean isMaster(int port) {
        try (StatefulRedisConnection<String, String> single = single(port)) {
            return single.sync().info("replication").contains("role:master");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A master, or a replica whose link to its master is up (a restarted server has resynced). */
    private boolean replicaSynced(int port) {
        try (StatefulRedisConnection<String, String> single = single(port)) {
            String info = single.sync().info("replication");
            return info.contains("role:master") || info.contains("master_link_status:up");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String clusterInfo(int port) {
        try (StatefulRedisConnection<String, String> single = single(port)) {
            return single.sync().clusterInfo();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private String clusterNodes(int port) {
        try (StatefulRedisConnection<String, String> single = single(port)) {
            return single.sync().clusterNodes();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private StatefulRedisConnection<String, String> single(int port) {
        return admin.connect(RedisURI.create("redis://127.0.0.1:" + port));
    }

    private static String cli() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-cli");
            if (candidate.toFile().canExecute()) {
                return candidate.toString();
            }
        }
        return "/usr/bin/redis-cli";
    }
}
