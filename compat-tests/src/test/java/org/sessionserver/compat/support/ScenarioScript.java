package org.sessionserver.compat.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The languages of the script-driven compat tests: where their scenario scripts live ({@code compat-tests/node},
 * {@code compat-tests/python}, each with its runner: {@code scenario-runner.js}, {@code scenario_runner.py}), what
 * must be installed, and how a script is started. A script prints a line per scenario and exits 0 when all passed.
 */
public enum ScenarioScript {
    /** socket.io-client 4.8.4 under Node, from {@code compat-tests/node/node_modules}. */
    NODE("socket.io-client") {
        @Override
        Path dir() {
            return Path.of(System.getProperty("compat.nodeDir", "node")).toAbsolutePath();
        }

        @Override
        List<String> interpreter() {
            assertTrue(Files.isDirectory(dir().resolve("node_modules/socket.io-client")),
                    "socket.io-client is not installed in " + dir() + " (npm install there)");
            return List.of("node");
        }
    },
    /**
     * python-socketio 5.7.2: Debian's python3-socketio, visible to {@code /usr/bin/python3} only (not to a pyenv
     * interpreter first on the PATH); another one with {@code -Dcompat.python=...}.
     */
    PYTHON("python-socketio") {
        @Override
        Path dir() {
            return Path.of(System.getProperty("compat.pythonDir", "python")).toAbsolutePath();
        }

        @Override
        List<String> interpreter() {
            String python = System.getProperty("compat.python", "/usr/bin/python3");
            assertTrue(Files.isExecutable(Path.of(python)), python + " is not there");
            return List.of(python, "-u");
        }
    };

    /** The client library the scripts of this language drive, for test names. */
    public final String client;

    ScenarioScript(String client) {
        this.client = client;
    }

    abstract Path dir();

    abstract List<String> interpreter();

    /** Runs {@code script} with {@code args} and fails the test unless every scenario passed. */
    public void assertPasses(Duration timeout, String script, String... args) {
        List<String> command = new ArrayList<>(interpreter());
        command.add(script);
        command.addAll(List.of(args));
        ClientScript.run(dir(), timeout, command.toArray(String[]::new))
                .assertPassed(client + " " + script + " " + String.join(" ", args));
    }

    /** Every language on every transport (websocket, polling, upgrade): the arguments of the scenario ITs. */
    public static Stream<Arguments> onEachTransport() {
        return Stream.of(values()).flatMap(script -> Stream.of("websocket", "polling", "upgrade")
                .map(transport -> Arguments.of(script, transport)));
    }

    @Override
    public String toString() {
        return client;
    }
}
