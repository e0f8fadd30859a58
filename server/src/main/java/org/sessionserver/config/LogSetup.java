package org.sessionserver.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies a validated {@link LogConfig} to logback, replacing the console setup {@code logback.xml} starts with
 * (done in code because only {@link ServerConfig} can reject a bad {@code LOG_FORMAT} or {@code LOG_LEVEL}).
 * {@code json} writes one JSON object per line (logstash-logback-encoder), with the node id in field
 * {@value #NODE_ID_PROPERTY}. Netty's and netty-socketio's own loggers stay at WARN whatever the level.
 */
public final class LogSetup {
    public static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    public static final String NODE_ID_PROPERTY = "nodeId";
    private static final String[] QUIET_LOGGERS = {"io.netty", "com.corundumstudio", "io.lettuce"};

    private LogSetup() {
    }

    /**
     * Reconfigures the console logging of the process; call once, early, after {@link ServerConfig#fromEnv}.
     *
     * @return false when SLF4J is not bound to logback, and nothing was changed
     */
    public static boolean apply(LogConfig config, String nodeId) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        configure(context, config, nodeId, null);
        return true;
    }

    /** Points the root logger of {@code context} at one appender writing to {@code out} (null: the console). */
    static void configure(LoggerContext context, LogConfig config, String nodeId, OutputStream out) {
        context.putProperty(NODE_ID_PROPERTY, nodeId);
        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) {
            appender = new ConsoleAppender<>();
        } else {
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(out);
        }
        appender.setContext(context);
        appender.setName(config.format().name().toLowerCase(Locale.ROOT));
        appender.setEncoder(encoder(context, config.format()));
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.toLevel(config.level().name()));
        for (String name : QUIET_LOGGERS) {
            context.getLogger(name).setLevel(Level.WARN);
        }
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogConfig.Format format) {
        if (format == LogConfig.Format.JSON) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(context);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
