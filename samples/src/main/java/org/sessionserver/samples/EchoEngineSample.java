package org.sessionserver.samples;

import java.util.concurrent.CountDownLatch;
import org.sessionserver.bus.EchoEngine;
import org.sessionserver.bus.redis.EngineClient;
import org.sessionserver.bus.redis.RedisDeployment;

/**
 * {@code java -jar samples.jar echo-engine}: the echo engine over Redis, written with {@link EngineClient} only (no
 * netty-socketio). Reads {@code REDIS_URL} (default redis://localhost:6379; a Sentinel URL, or Cluster seeds with
 * {@code REDIS_CLUSTER=true}, as the nodes do), {@code REDIS_PREFIX} (sio:), {@code ENGINE_STREAMS} (1, as the
 * nodes), {@code ENGINE_GROUP} (echo) and {@code ENGINE_CONSUMER} (the host name).
 */
public final class EchoEngineSample {
    private EchoEngineSample() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = env("REDIS_URL", "redis://localhost:6379");
        String prefix = env("REDIS_PREFIX", "sio:");
        String group = env("ENGINE_GROUP", "echo");
        String consumer = env("ENGINE_CONSUMER", hostName());
        boolean cluster = Boolean.parseBoolean(env("REDIS_CLUSTER", "false"));
        int streams = Integer.parseInt(env("ENGINE_STREAMS", "1"));
        EngineClient client = EngineClient.connect(RedisDeployment.parse(url, cluster), prefix, streams, group,
                consumer);
        EchoEngine engine = EchoEngine.start(client);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.close();
            stopped.countDown();
        }));
        System.out.println("echo engine reading " + streams + " stream(s) " + prefix + "engine:in as " + group + "/"
                + consumer);
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "echo-1";
        }
    }
}
