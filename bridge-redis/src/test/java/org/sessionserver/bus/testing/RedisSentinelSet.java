package org.sessionserver.bus.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Sentinel set for tests: one master, one replica (or more) and three sentinels ({@code down-after-milliseconds} 1000), on
 * free loopback ports. {@link #killMaster} kills the master with SIGKILL; the sentinels promote the replica, and the
 * killed server, started again, comes back as a replica of the new master.
 */
public final class RedisSentinelSet implements TestRedis {
    public static final String MASTER_NAME = "mymaster";
    private static final Duration READY = Duration.ofSeconds(20);

    private final List<RedisServerProcess> servers = new ArrayList<>();
    private final List<RedisServerProcess> sentinels = new ArrayList<>();
    /** For the test's short-lived looks at single servers and sentinels. */
    private final RedisClient admin = RedisClient.create();
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private final int replicas;

    private RedisSentinelSet(int replicas) {
        this.replicas = replicas;
    }

    /** One master, one replica. */
    public static RedisSentinelSet start() {
        return start(1);
    }

    /** One master and {@code replicas} replicas (two, for a master that keeps one replica after a failover). */
    public static RedisSentinelSet start(int replicas) {
        RedisSentinelSet set = new RedisSentinelSet(replicas);
        try {
            RedisServerProcess master = RedisServerProcess.start(false, List.of());
            set.servers.add(master);
            for (int i = 0; i < replicas; i++) {
                set.servers.add(RedisServerProcess.start(false,
                        List.of("--replicaof", "127.0.0.1", String.valueOf(master.port()))));
            }
            for (int i = 0; i < 3; i++) {
                set.sentinels.add(RedisServerProcess.start(false, List.of("--sentinel"), port ->
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2\n"
                        + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                        + "sentinel failover-timeout " + MASTER_NAME + " 5000\n"
                        + "sentinel parallel-syncs " + MASTER_NAME + " 1\n"));
            }
            set.awaitReady();
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /** Every sentinel knows the master, its replica and the two other sentinels: a failover can be elected. */
    public void awaitReady() {
        Wait.until(READY, () -> {
            for (RedisServerProcess sentinel : sentinels) {
                Map<String, String> master = sentinelInfo(sentinel);
                if (master == null || !"2".equals(master.get("num-other-sentinels"))
                        || !String.valueOf(replicas).equals(master.get("num-slaves"))
                        || master.get("flags").contains("down")) {
                    return false;
                }
            }
            try {
                return replicaLinkUp();
            } catch (IllegalStateException noMasterYet) {
                return false;
            }
        }, "sentinel set ready");
    }

    @Override
    public Kind kind() {
        return Kind.SENTINEL;
    }

    @Override
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    @Override
    public Map<String, String> env() {
        return Map.of("REDIS_URL", url());
    }

    /** The server the sentinels name as master now. */
    public RedisServerProcess master() {
        for (RedisServerProcess sentinel : sentinels) {
            try (StatefulRedisSentinelConnection<String, String> connection = sentinelClient(sentinel)) {
                InetSocketAddress address = (InetSocketAddress) connection.sync().getMasterAddrByName(MASTER_NAME);
                for (RedisServerProcess server : servers) {
                    if (server.port() == address.getPort()) {
                        return server;
                    }
                }
            } catch (RuntimeException e) {
                // ask the next one
            }
        }
        throw new IllegalStateException("no sentinel names a master");
    }

    /** The running servers other than the master: its replicas. */
    public List<RedisServerProcess> replicas() {
        RedisServerProcess master = master();
        return servers.stream().filter(server -> server != master && server.isRunning()).toList();
    }

    /** Kills the master (SIGKILL) and returns it, to be started again later. */
    public RedisServerProcess killMaster() {
        RedisServerProcess master = master();
        master.stop();
        return master;
    }

    /**
     * Starts a killed server again as a replica of the current master (as its config, rewritten by Sentinel, would
     * say), then waits until the set is whole: the next kill then has a synced replica to promote.
     */
    public void restart(RedisServerProcess killed) {
        killed.startAgain(List.of("--replicaof", "127.0.0.1", String.valueOf(master().port())));
        awaitReady();
    }

    /** Waits until a running server is master and the sentinels say so. */
    public void awaitFailover(RedisServerProcess killed) {
        Wait.until(READY, () -> {
            try {
                return master() != killed;
            } catch (RuntimeException e) {
                return false;
            }
        }, "a replica promoted");
    }

    @Override
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null) {
            client = RedisClient.create(RedisURI.create(url()));
            client.setOptions(ClientOptions.builder().autoReconnect(true).build());
            connection = client.connect();
        }
        return connection.sync();
    }

    @Override
    public long subscribers(String channel) {
        return commands().pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public void killPubSubClients() {
        commands().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
    }

    @Override
    public long shardSubscribers(String channel) {
        return commands().pubsubShardNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            connection = null;
        }
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        sentinels.forEach(RedisServerProcess::close);
        servers.forEach(RedisServerProcess::close);
    }

    /** Every running server but the master is its replica, synced. */
    private boolean replicaLinkUp() {
        RedisServerProcess master = master();
        for (RedisServerProcess server : servers) {
            if (!server.isRunning() || server == master) {
                continue;
            }
            String info = info(server.port(), "replication");
            if (!info.contains("role:slave") || !info.contains("master_link_status:up")
                    || !info.contains("master_port:" + master.port())) {
                return false;
            }
        }
        return true;
    }

    private Map<String, String> sentinelInfo(RedisServerProcess sentinel) {
        try (StatefulRedisSentinelConnection<String, String> connection = sentinelClient(sentinel)) {
            return connection.sync().master(MASTER_NAME);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private StatefulRedisSentinelConnection<String, String> sentinelClient(RedisServerProcess sentinel) {
        return admin.connectSentinel(RedisURI.create("redis://127.0.0.1:" + sentinel.port()));
    }

    /** INFO of one server, by a short-lived connection; "" when it does not answer. */
    private String info(int port, String section) {
        try (StatefulRedisConnection<String, String> single = admin.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
            return single.sync().info(section);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
