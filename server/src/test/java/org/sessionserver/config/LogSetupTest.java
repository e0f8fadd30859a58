package org.sessionserver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogSetupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A context of its own, so the tests leave the process's logging alone. */
    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // the default context gets one from SLF4J; this one must be given it
        return context;
    }

    private static List<JsonNode> jsonLines(String output) throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        for (String line : output.split("\n")) {
            JsonNode node = JSON.readTree(line);
            assertTrue(node.isObject(), line);
            objects.add(node);
        }
        return objects;
    }

    private static void logSome(LoggerContext context) {
        Logger log = context.getLogger("org.sessionserver.Demo");
        log.debug("hidden at INFO");
        log.info("two\nlines with \"quotes\"");
        log.error("failed", new IllegalStateException("boom"));
        context.getLogger("io.netty.channel.Demo").info("netty chatter");
        context.getLogger("com.corundumstudio.socketio.Demo").warn("netty-socketio warning");
    }

    @Test
    void jsonModeWritesOneParseableObjectPerLine() throws Exception {
        LoggerContext context = newContext();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(context, new LogConfig(LogConfig.Format.JSON, LogConfig.Level.INFO), "node-test", out);
        logSome(context);
        context.stop();

        List<JsonNode> lines = jsonLines(out.toString(StandardCharsets.UTF_8));
        assertEquals(3, lines.size());
        JsonNode info = lines.get(0);
        assertEquals("two\nlines with \"quotes\"", info.get("message").asText());
        assertEquals("INFO", info.get("level").asText());
        assertEquals("org.sessionserver.Demo", info.get("logger_name").asText());
        assertEquals("node-test", info.get(LogSetup.NODE_ID_PROPERTY).asText());
        assertTrue(info.has("@timestamp"));
        assertTrue(lines.get(1).get("stack_trace").asText().contains("IllegalStateException: boom"));
        assertEquals("netty-socketio warning", lines.get(2).get("message").asText());
    }

    @Test
    void textModeWritesPlainLinesAtTheChosenLevel() {
        LoggerContext context = newContext();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSetup.configure(context, new LogConfig(LogConfig.Format.TEXT, LogConfig.Level.DEBUG), "n1", out);
        logSome(context);
        context.stop();

        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("DEBUG [") && text.contains("hidden at INFO"), text);
        assertTrue(text.contains("ERROR [") && text.contains("IllegalStateException: boom"), text);
        assertFalse(text.contains("netty chatter"), text);
        assertFalse(text.startsWith("{"), text);
    }

    @Test
    void jsonReplacesTheConsoleSetupOfLogbackXml() throws Exception {
        // What Main does: logback.xml configures text on the console, then LogSetup takes over.
        LoggerContext context = newContext();
        PrintStream original = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogSetupTest.class.getResource("/logback.xml"));
            context.getLogger("org.sessionserver.Demo").info("before setup");
            LogSetup.configure(context, new LogConfig(LogConfig.Format.JSON, LogConfig.Level.WARN), "n2", out);
            context.getLogger("org.sessionserver.Demo").info("below WARN");
            context.getLogger("org.sessionserver.Demo").warn("after\nsetup");
            context.stop();
        } finally {
            System.setOut(original);
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("INFO  [") && text.contains("before setup"), text);
        assertFalse(text.contains("after") || text.contains("below WARN"), text); // the text appender is gone
        List<JsonNode> lines = jsonLines(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, lines.size(), out.toString(StandardCharsets.UTF_8));
        assertEquals("after\nsetup", lines.get(0).get("message").asText());
        assertEquals("n2", lines.get(0).get(LogSetup.NODE_ID_PROPERTY).asText());
    }
}
