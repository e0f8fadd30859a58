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
 * @param url    {@code REDIS_URL}: a {@code redis://} or {@code rediss://} URI; unset (default) runs one node with
 *               the embedded in-memory registry and bus. Only its syntax is checked at start.
 * @param prefix {@code REDIS_PREFIX}: prepended to every Redis key and channel (default {@value #DEFAULT_PREFIX})
 * @param streamMaxLen {@code ENGINE_STREAM_MAXLEN}: the inbound stream is trimmed to about this many entries
 *                     (default {@value #DEFAULT_STREAM_MAXLEN})
 */
public record RedisConfig(Optional<String> url, String prefix, long streamMaxLen) {
    public static final String DEFAULT_PREFIX = "sio:";
    public static final long DEFAULT_STREAM_MAXLEN = 100_000;

    private static final Pattern PREFIX = Pattern.compile("[^\\s\\p{Cntrl}]{1,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%!$&'()*+,;=-]+|\\[[0-9A-Fa-f:.]+\\]");

    public RedisConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(prefix, "prefix");
    }

    public static RedisConfig embedded() {
        return new RedisConfig(Optional.empty(), DEFAULT_PREFIX, DEFAULT_STREAM_MAXLEN);
    }

    /** True when no Redis is configured: one node, in-memory registry and bus. */
    public boolean isEmbedded() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "RedisConfig[url=" + url.map(RedisConfig::redact).orElse("(embedded)") + ", prefix=" + prefix
                + ", streamMaxLen=" + streamMaxLen + "]";
    }

    static RedisConfig fromEnv(Env env) {
        String prefix = env.string("REDIS_PREFIX", DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ConfigException("REDIS_PREFIX", Env.quote(prefix)
                    + " is not a key prefix (expected 1-128 chars, no spaces or control characters)");
        }
        String url = env.get("REDIS_URL");
        if (url != null) {
            checkUrl(url);
        }
        long streamMaxLen = env.integer("ENGINE_STREAM_MAXLEN", DEFAULT_STREAM_MAXLEN, 1, 1_000_000_000L,
                "a whole number of stream entries, at least 1");
        return new RedisConfig(Optional.ofNullable(url), prefix, streamMaxLen);
    }

    private static void checkUrl(String url) {
        String expected = " (expected redis://[[user]:password@]host[:port][/db] or rediss://...)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " is not a URI" + expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new ConfigException("REDIS_URL", Env.quote(redact(url)) + " is not a redis:// URI" + expected);
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
