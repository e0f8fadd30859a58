package org.sessionserver.bus.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which Redis a node or engine talks to, from {@code REDIS_URL} and {@code REDIS_CLUSTER}: one server
 * ({@code redis://}, {@code rediss://}), a Sentinel set in Lettuce's form ({@code redis-sentinel://h1:26379,h2:26379#mymaster})
 * or, with {@code cluster}, the seed nodes of a Redis Cluster ({@code redis://h1:7000,h2:7001}: later seeds without a
 * scheme take the first one's scheme and credentials).
 */
public record RedisDeployment(Kind kind, List<RedisURI> uris) {
    public enum Kind {
        STANDALONE, SENTINEL, CLUSTER;

        /** The name shown in {@code /health} and the logs. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RedisDeployment {
        uris = List.copyOf(uris);
    }

    /** One standalone server (or a Sentinel URL); the form tests and samples use. */
    public static RedisDeployment of(String url) {
        return parse(url, false);
    }

    /**
     * @throws IllegalArgumentException with a one-line reason when the URL does not fit the deployment
     */
    public static RedisDeployment parse(String url, boolean cluster) {
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        if (sentinel && cluster) {
            throw new IllegalArgumentException("REDIS_CLUSTER=true needs the redis:// seed nodes of a Redis Cluster, "
                    + "not a redis-sentinel:// URL");
        }
        if (sentinel) {
            if (!url.contains("#") || url.endsWith("#")) {
                throw new IllegalArgumentException("a redis-sentinel:// URL names its master after '#' "
                        + "(redis-sentinel://h1:26379,h2:26379#mymaster)");
            }
            return new RedisDeployment(Kind.SENTINEL, List.of(create(url)));
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("expected redis://, rediss:// or redis-sentinel://");
        }
        String[] parts = url.split(",");
        if (!cluster) {
            if (parts.length > 1) {
                throw new IllegalArgumentException("a list of servers needs REDIS_CLUSTER=true (Redis Cluster seeds) "
                        + "or a redis-sentinel:// URL");
            }
            return new RedisDeployment(Kind.STANDALONE, List.of(create(url)));
        }
        List<RedisURI> seeds = new ArrayList<>();
        String first = parts[0].trim();
        int authorityStart = first.indexOf("://") + 3;
        int at = first.lastIndexOf('@');
        String schemeAndCredentials = first.substring(0, at > authorityStart ? at + 1 : authorityStart);
        for (String part : parts) {
            String seed = part.trim();
            seeds.add(create(seed.contains("://") ? seed : schemeAndCredentials + seed));
        }
        return new RedisDeployment(Kind.CLUSTER, seeds);
    }

    /** The URI of a standalone server or Sentinel set. */
    public RedisURI uri() {
        return uris.get(0);
    }

    public boolean isCluster() {
        return kind == Kind.CLUSTER;
    }

    private static RedisURI create(String url) {
        try {
            return RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI (" + e.getClass().getSimpleName() + ")");
        }
    }
}
