package org.sessionserver.it.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** Everything at WARN or above from the server and Netty, while the test runs. */
final class LogCapture extends AppenderBase<ILoggingEvent> {
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

    void attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(context);
        start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    void detach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            events.add(event);
        }
    }

    /** ERRORs, and exceptions that reached the end of a pipeline (a handler that did not handle its failure). */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (ILoggingEvent event : events) {
            String message = event.getFormattedMessage();
            boolean tail = message != null && message.contains("reached at the tail of the pipeline");
            if (event.getLevel() == Level.ERROR || tail) {
                problems.add("log " + event.getLevel() + " " + event.getLoggerName() + ": " + message
                        + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName()
                        + ": " + event.getThrowableProxy().getMessage()));
            }
        }
        return problems;
    }
}
