package org.sessionserver.config;

import java.util.Objects;

/**
 * How the server logs; applied by {@link LogSetup}.
 *
 * @param format {@code LOG_FORMAT}: {@code text} (default) or {@code json}, one JSON object per line
 * @param level  {@code LOG_LEVEL}: the root level, {@code TRACE|DEBUG|INFO|WARN|ERROR} in any case (default
 *               {@code INFO})
 */
public record LogConfig(Format format, Level level) {
    public enum Format { TEXT, JSON }

    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    public static final Format DEFAULT_FORMAT = Format.TEXT;
    public static final Level DEFAULT_LEVEL = Level.INFO;

    public LogConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(level, "level");
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_FORMAT, DEFAULT_LEVEL);
    }

    static LogConfig fromEnv(Env env) {
        return new LogConfig(env.choice("LOG_FORMAT", DEFAULT_FORMAT, Format.class),
                env.choice("LOG_LEVEL", DEFAULT_LEVEL, Level.class));
    }
}
