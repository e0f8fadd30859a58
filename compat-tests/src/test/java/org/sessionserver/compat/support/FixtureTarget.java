package org.sessionserver.compat.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.sessionserver.samples.ConformanceFixture;

/**
 * The conformance fixture under test: ours in-process (default), or, with {@code -Dcompat.target=node}, the
 * reference Node.js socket.io server running the same fixture ({@code compat-tests/node/reference-fixture.js}),
 * so that any expectation in these tests can be checked against socket.io itself.
 */
public final class FixtureTarget implements AutoCloseable {
    private final int port;
    private final AutoCloseable stopper;

    private FixtureTarget(int port, AutoCloseable stopper) {
        this.port = port;
        this.stopper = stopper;
    }

    public static FixtureTarget start() {
        return "node".equals(System.getProperty("compat.target")) ? startNode() : startJava();
    }

    public int port() {
        return port;
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        stopper.close();
    }

    private static FixtureTarget startJava() {
        ConformanceFixture fixture = ConformanceFixture.start(0);
        return new FixtureTarget(fixture.port(), fixture::close);
    }

    private static FixtureTarget startNode() {
        try {
            Process process = new ProcessBuilder("node", "reference-fixture.js", "0")
                    .directory(ScenarioScript.NODE.dir().toFile())
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("listening ")) {
                process.destroyForcibly();
                throw new IllegalStateException("reference fixture did not start: " + line);
            }
            int port = Integer.parseInt(line.substring("listening ".length()).trim());
            return new FixtureTarget(port, () -> {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot start node", e);
        }
    }
}
