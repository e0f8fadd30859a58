package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;
import org.sessionserver.compat.support.ClientScript;

/**
 * The React sample ({@code samples/react}): the Vitest unit tests of its {@code useSession} hook pass, and the Vite
 * app, built with {@code vite build} (into {@code compat-tests/target/react-dist}), does in headless Chromium what the
 * browser sample does (same driver, same assertions) against the real session server in-process. Screenshots:
 * {@code compat-tests/target/screenshots/react-*}.
 */
class ReactSampleIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private static Path react;

    @BeforeAll
    static void install() {
        react = SampleKit.samplesDir().resolve("react");
        SampleKit.npmInstallIfMissing(react, "vite");
    }

    @Test
    void useSessionHookUnitTestsPass() {
        ClientScript.Result run = ClientScript.run(react, RUN_TIMEOUT, "node", "node_modules/vitest/vitest.mjs", "run");
        run.assertPassed("vitest run in " + react);
        String output = ANSI.matcher(run.output()).replaceAll("");
        Matcher tests = Pattern.compile("Tests\\s+(\\d+) passed \\((\\d+)\\)").matcher(output);
        assertTrue(tests.find(), output);
        assertEquals(tests.group(2), tests.group(1), output);
        assertTrue(Integer.parseInt(tests.group(1)) >= 10, "fewer hook tests than written: " + output);
    }

    @Test
    void builtAppShowsTheEchoOnTwoDevicesAndAProxy() {
        Path dist = SampleKit.compatDir().resolve("target").resolve("react-dist");
        ClientScript.run(react, RUN_TIMEOUT, "node", "node_modules/vite/bin/vite.js", "build", "--outDir",
                dist.toString(), "--emptyOutDir", "--logLevel", "warn").assertPassed("vite build in " + react);
        assertTrue(Files.isRegularFile(dist.resolve("index.html")), "no " + dist.resolve("index.html"));
        try (SessionServer server = SampleKit.startServer("react-sample")) {
            JsonNode report = SampleKit.drive(dist, "react", server);
            SampleKit.assertPagesShowTheEcho(report, "react-sample");
        }
    }
}
