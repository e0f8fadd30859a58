package org.sessionserver.compat.samples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sessionserver.SessionServer;

/**
 * The browser sample ({@code samples/browser}: index.html, app.js, socket.io-client 4.8.4 from its node_modules) in
 * headless Chromium (Debian's, driven by playwright-core), against the real session server in-process: four pages as
 * four devices (A and B as alice, P as alice in proxy mode, X as bob), each filled in and connected as a user would;
 * A sends an event; A, B and P list its echo, X nothing. Screenshots: {@code compat-tests/target/screenshots/browser-*}.
 */
class BrowserSampleIT {
    @Test
    void twoDevicesOfOneParticipantAndAProxySeeTheEcho() {
        Path page = SampleKit.samplesDir().resolve("browser");
        SampleKit.npmInstallIfMissing(page, "socket.io-client");
        try (SessionServer server = SampleKit.startServer("browser-sample")) {
            JsonNode report = SampleKit.drive(page, "browser", server);
            SampleKit.assertPagesShowTheEcho(report, "browser-sample");
        }
    }
}
