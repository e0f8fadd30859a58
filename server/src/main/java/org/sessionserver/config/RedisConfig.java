package org.sessionserver.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the shared registry and engine bus live.
 *
 * @param url    {@code REDIS_URL}: one server ({@code redis://}, {@code rediss://}), a Sentinel set
 *               ({@code redis-sentinel://h1:26379,h2:26379#mymaster}) or, with {@code cluster}, the comma-separated
 *               seed nodes of a Redis Cluster; unset (default) runs one node with the embedded in-memory registry and
 *               bus. Only its syntax is checked at start.
 * @param prefix {@code REDIS_PREFIX}: prepended to every Redis key and channel (default {@value #DEFAULT_PREFIX})
 * @param streamMaxLen {@code ENGINE_STREAM_MAXLEN}: each inbound stream is trimmed to about this many entries
 *                     (default {@value #DEFAULT_STREAM_MAXLEN})
 * @param cluster {@code REDIS_CLUSTER}: {@code url} lists seed nodes of a Redis Cluster (default false)
 * @param engineStreams {@code ENGINE_STREAMS}: how many inbound streams events are split into, by participant
 *                      (default {@value #DEFAULT_ENGINE_STREAMS})
 * @param waitReplicas {@code REDIS_WAIT_REPLICAS}: an event is acknowledged once this many replicas have it
 *                     (default {@value #DEFAULT_WAIT_REPLICAS}: once the master has it)
 */
public record RedisConfig(Optional<String> url, String prefix, long streamMaxLen, boolean cluster, int engineStreams,
                          int waitReplicas) {
    public static final String DEFAULT_PREFIX = "sio:";
    public static final long DEFAULT_STREAM_MAXLEN = 100_000;
    public static final int DEFAULT_ENGINE_STREAMS = 1;
    public static final int DEFAULT_WAIT_REPLICAS = 0;

    private static final Pattern PREFIX = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%!$&'()*+,;=-]+|\\[[0-9A-Fa-f:.]+\\]");

    public RedisConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(prefix, "prefix");
    }

    public static RedisConfig embedded() {
        return new RedisConfig(Optional.empty(), DEFAULT_PREFIX, DEFAULT_STREAM_MAXLEN, false, DEFAULT_ENGINE_STREAMS,
                DEFAULT_WAIT_REPLICAS);
    }

    /** True when no Redis is configured: one node, in-memory registry and bus. */
    public boolean isEmbedded() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "RedisConfig[url=" + url.map(RedisConfig::redact).orElse("(embedded)") + ", cluster=" + cluster
                + ", prefix=" + prefix + ", streamMaxLen=" + streamMaxLen + ", engineStreams=" + engineStreams
                + ", waitReplicas=" + waitReplicas + "]";
    }

    static RedisConfig fromEnv(Env env) {
        String prefix = env.string("REDIS_PREFIX", DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ConfigException("REDIS_PREFIX", Env.quote(prefix)
                    + " is not a key prefix (expected 1-128 chars, no spaces or control characters)");
        }
        String url = env.get("REDIS_URL");
        boolean cluster = env.bool("REDIS_CLUSTER", false);
        if (url != null) {
            checkUrl(url, cluster);
        } else if (cluster) {
            throw new ConfigException("REDIS_CLUSTER", "true needs REDIS_URL: the seed nodes of the Redis Cluster");
        }
        long streamMaxLen = env.integer("ENGINE_STREAM_MAXLEN", DEFAULT_STREAM_MAXLEN, 1, 1_000_000_000L,
                "a whole number of stream entries, at least 1");
        int engineStreams = (int) env.integer("ENGINE_STREAMS", DEFAULT_ENGINE_STREAMS, 1, 1024,
                "a whole number of inbound streams, 1 to 1024");
        int waitReplicas = (int) env.integer("REDIS_WAIT_REPLICAS", DEFAULT_WAIT_REPLICAS, 0, 64,
                "a whole number of replicas, 0 to 64");
        return new RedisConfig(Optional.ofNullable(url), prefix, streamMaxLen, cluster, engineStreams, waitReplicas);
    }

    private static void checkUrl(String url, boolean cluster) {
        String expected = " (expected redis://[[user]:password@]host[:port][/db], rediss://..., "
                + "redis-sentinel://host:port[,host:port...]#master, or with REDIS_CLUSTER=true "
                + "redis://host:port,host:port...)";
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        if (!scheme.equals("redis") && !scheme.equals("rediss") && !sentinel) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " is not a redis:// URI" + expected);
        }
        if (sentinel && cluster) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " is a Sentinel URL, but REDIS_CLUSTER=true "
                    + "needs the redis:// seed nodes of a Redis Cluster");
        }
        String[] list = url.substring(url.indexOf("://") + 3).split(",", -1);
        if (list.length > 1 && !sentinel && !cluster) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " lists several servers: that needs "
                    + "REDIS_CLUSTER=true (Redis Cluster seeds) or a redis-sentinel:// URL");
        }
        String last = list[list.length - 1];
        if (sentinel && (last.indexOf('#') < 0 || last.endsWith("#"))) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url))
                    + " names no master: a Sentinel URL ends with #<master name>" + expected);
        }
        for (int i = 0; i < list.length; i++) {
            String host = i == list.length - 1 && sentinel ? last.substring(0, last.indexOf('#')) : list[i];
            // Later seeds may come bare (host:port) or with their own scheme.
            checkHost(url, host.contains("://") ? host : "redis://" + host, expected);
        }
    }

    private static void checkHost(String url, String single, String expected) {
        URI uri;
        try {
            uri = new URI(single.replaceFirst("^rediss?-sentinel://", "redis://"));
        } catch (URISyntaxException e) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " is not a URI" + expected);
        }
        // Parse the authority by hand: java.net.URI gives no host for names with '_', common in compose files.
        String authority = uri.getRawAuthority();
        String hostPort = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon >= 0 && colon > hostPort.lastIndexOf(']');
        String host = hasPort ? hostPort.substring(0, colon) : hostPort;
        String port = hasPort ? hostPort.substring(colon + 1) : "";
        if (!HOST.matcher(host).matches()) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " has no host" + expected);
        }
        if (hasPort && !isPort(port)) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " has a bad port" + expected);
        }
    }

    private static boolean isPort(String port) {
        return port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    }

    /** The URL with any user and password replaced, fit for logs and messages. */
    static String redact(String url) {
        int start = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return start >= 0 && at > start ? url.substring(0, start + 3) + "***" + url.substring(at) : url;
    }
}
