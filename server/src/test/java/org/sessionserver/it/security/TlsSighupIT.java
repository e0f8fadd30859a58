package org.sessionserver.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.it.support.TestCertificates;
import org.sessionserver.it.support.TestCertificates.Issued;
import org.sessionserver.it.support.TlsProbe;

/**
 * Certificate rotation as an operator does it: the real jar in a child process, new files moved into place, then
 * {@code kill -HUP <pid>}. New connections get the new certificate, the open one keeps working; a bad file at the
 * next SIGHUP keeps the certificate in use; a bad file at start stops the jar with exit code 2 and one stderr line.
 */
class TlsSighupIT {
    private static final TestCertificates CA = TestCertificates.authority("sighup-it");
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final long WAIT_MS = 15_000;

    @TempDir
    Path dir;

    private static ProcessBuilder jar(Path cert, Path key) {
        Path jar = Path.of(System.getProperty("it.serverJar", "target/session-server.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("no runnable jar at " + jar.toAbsolutePath() + " (built by the package phase)");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        builder.environment().putAll(java.util.Map.of("PORT", "0", "NODE_ID", "sighup-it",
                "TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", key.toString()));
        return builder;
    }

    private static void replace(Path target, Path with) throws IOException {
        Path staged = Files.copy(with, target.resolveSibling(target.getFileName() + ".new"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void hangup(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP");
    }

    /** Lines of the process's stdout, read on a thread of their own. */
    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "jar-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String awaitLine(BlockingQueue<String> lines, Predicate<String> wanted, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        for (long left = WAIT_MS; left > 0; left = deadline - System.currentTimeMillis()) {
            String line = lines.poll(left, TimeUnit.MILLISECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
        }
        return fail("no log line " + what + " within " + WAIT_MS + " ms");
    }

    private static BigInteger serialOfANewConnection(int port) {
        try (TlsProbe probe = TlsProbe.open(CA.clientContext(), port)) {
            return probe.serial();
        }
    }

    @Test
    void sighupRotatesTheCertificateForNewConnectionsAndKeepsOpenOnes() throws Exception {
        Issued first = CA.issue("first", dir);
        Path cert = Files.copy(first.certFile(), dir.resolve("cert.pem"));
        Path key = Files.copy(first.keyFile(), dir.resolve("key.pem"));
        Process process = jar(cert, key).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BlockingQueue<String> log = lines(process);
            Matcher listening = LISTENING.matcher(awaitLine(log, line -> LISTENING.matcher(line).find(),
                    "'listening on port'"));
            assertTrue(listening.find());
            int port = Integer.parseInt(listening.group(1));

            try (TlsProbe open = TlsProbe.open(CA.clientContext(), port)) {
                assertEquals(first.serial(), open.serial());
                Issued second = CA.issue("second", dir);
                replace(cert, second.certFile());
                replace(key, second.keyFile());
                hangup(process);
                awaitLine(log, line -> line.contains("TLS reloaded"), "'TLS reloaded'");
                assertEquals(second.serial(), serialOfANewConnection(port), "a new connection after SIGHUP");
                assertTrue(open.get("/health").startsWith("HTTP/1.1 200"), "the connection opened before SIGHUP");
                assertEquals(first.serial(), open.serial());

                Files.writeString(cert, "-----BEGIN CERTIFICATE-----\ntruncated");
                hangup(process);
                String refused = awaitLine(log, line -> line.contains("TLS reload refused"), "'TLS reload refused'");
                assertTrue(refused.contains("cert.pem"), refused);
                assertEquals(second.serial(), serialOfANewConnection(port), "the certificate in use stays");
                assertTrue(process.isAlive(), "SIGHUP must not stop the server");
            }
        } finally {
            process.destroy(); // SIGTERM: the graceful stop
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("did not stop within 20 s of SIGTERM");
            }
        }
    }

    @Test
    void aBadCertificateAtStartStopsTheJarWithOneLine() throws Exception {
        Issued good = CA.issue("good", dir);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "garbage");
        Process process = jar(garbage, good.keyFile()).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process, false));
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("still running 30 s after a bad TLS_CERT_FILE");
        }
        assertEquals(2, process.exitValue(), "exit code of a bad setting");
        List<String> errors = stderr.get(5, TimeUnit.SECONDS).lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errors.size(), "stderr: " + errors + "; stdout: " + stdout.get(5, TimeUnit.SECONDS));
        assertTrue(errors.get(0).startsWith("session-server: TLS_CERT_FILE: "), errors.get(0));
        assertTrue(errors.get(0).contains("no PEM CERTIFICATE block"), errors.get(0));
    }

    private static String read(Process process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
