package org.sessionserver.compat.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client scenario script (Node or Python) as a subprocess with a hard timeout and collects its whole output
 * (stdout and stderr interleaved). The scripts print {@code ok <scenario>} / {@code FAIL <scenario>: <reason>} lines
 * and exit 0 only if every scenario passed.
 */
public final class ClientScript {
    /** What a finished (or killed) script run produced. */
    public record Result(List<String> command, int exitCode, boolean timedOut, Duration took, String output) {
        public boolean passed() {
            return !timedOut && exitCode == 0;
        }

        /** Fails the test with the script's full output unless it exited 0 within the timeout. */
        public void assertPassed(String what) {
            if (passed()) {
                return;
            }
            String why = timedOut ? "was killed after its hard timeout" : "exited with " + exitCode;
            fail(what + ": " + String.join(" ", command) + " " + why + " after " + took.toMillis() + " ms; output:\n"
                    + output);
        }
    }

    private ClientScript() {
    }

    public static Result run(Path dir, Duration timeout, String... command) {
        if (!Files.isDirectory(dir)) {
            fail("script directory " + dir + " does not exist");
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", command), e);
        }
        try {
            process.getOutputStream().close(); // the scripts read no input
        } catch (IOException ignored) {
            // nothing to close
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "client-script-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return new Result(List.of(command), finished ? process.exitValue() : -1, !finished,
                Duration.ofNanos(System.nanoTime() - started), text);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process is gone; keep what was read
        }
    }
}
