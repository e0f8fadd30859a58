package org.sessionserver.bus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port (never the shared 6379), without persistence unless
 * asked ({@link #startPersistent}), that a test can stop and start again on the same port. {@code .ci/run} installs Debian's redis-server when it is missing.
 */
public final class RedisServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private final boolean persistent;
    private List<String> extraArgs;
    private Process process;

    private RedisServerProcess(int port, Path dir, boolean persistent, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.persistent = persistent;
        this.extraArgs = List.copyOf(extraArgs);
    }

    public static RedisServerProcess start() {
        return start(false);
    }

    /** A server that writes every command to its append-only file before answering: a kill -9 loses nothing. */
    public static RedisServerProcess startPersistent() {
        return start(true);
    }

    private static RedisServerProcess start(boolean persistent) {
        return start(persistent, List.of());
    }

    /**
     * A server started with more arguments ({@code --replicaof 127.0.0.1 6380}, {@code --cluster-enabled yes}...),
     * or, when the first is a config file's name, that file in the server's directory (written by {@code config}).
     */
    public static RedisServerProcess start(boolean persistent, List<String> extraArgs) {
        return start(persistent, extraArgs, port -> null);
    }

    /** Like {@link #start(boolean, List)}, the port also written into a config file (Sentinel rewrites its own). */
    public static RedisServerProcess start(boolean persistent, List<String> extraArgs,
                                           java.util.function.IntFunction<String> configFile) {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("redis-test");
            String config = configFile.apply(port);
            if (config != null) {
                Files.writeString(dir.resolve("redis.conf"), config);
            }
            RedisServerProcess redis = new RedisServerProcess(port, dir, persistent, extraArgs);
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's own directory (its log, config, cluster and append-only files). */
    public Path dir() {
        return dir;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server abruptly (SIGKILL): connected clients see the connection drop. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP), as a stalled host: its connections stay open and nothing is answered. */
    public void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause paused} server go on (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server (again) on the same port: empty, or with what it persisted. */
    public void startAgain() {
        stop();
        try {
            List<String> command = new java.util.ArrayList<>();
            command.add(executable());
            if (Files.exists(dir.resolve("redis.conf"))) {
                command.add(dir.resolve("redis.conf").toString());
            }
            command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
                    "--dir", dir.toString(), "--protected-mode", "no"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-server (apt-get install redis-server)", e);
        }
        awaitListening();
    }

    /** Starts the server again with other extra arguments (a former master now {@code --replicaof} another). */
    public void startAgain(List<String> extraArgs) {
        this.extraArgs = List.copyOf(extraArgs);
        startAgain();
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " within " + START_TIMEOUT);
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        throw new IllegalStateException("redis-server is not installed: apt-get install redis-server (.ci/run does)");
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                port = socket.getLocalPort();
            }
            if (port + 10_000 > 65_535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair found");
    }
}
