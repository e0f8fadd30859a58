package org.sessionserver.transport.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP as "read the certificate again". The JDK has no public API for signals: {@code sun.misc.Signal} (module
 * jdk.unsupported, present in every OpenJDK build) is the one way short of native code. Installing it replaces the
 * JVM's default for SIGHUP (run the shutdown hooks and exit). Process-wide: only {@code Main} installs it, never a
 * server started in-process (tests call the reload directly).
 */
public final class HangupSignal {
    private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    /**
     * Runs {@code onHangup} on a thread of its own at each SIGHUP (never on an event loop: it reads files).
     *
     * @return false when signals cannot be handled here (then the log says so, and a rotation needs a restart)
     */
    @SuppressWarnings("restriction")
    public static boolean onHangup(Runnable onHangup) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread reload = new Thread(onHangup, "sighup-reload");
                reload.setDaemon(true);
                reload.start();
            });
            if (previous == sun.misc.SignalHandler.SIG_IGN) {
                // The JVM keeps a SIGHUP that was ignored when it started (nohup) ignored: nothing was installed.
                log.warn("SIGHUP is ignored in this process (started under nohup?): a new certificate needs a "
                        + "restart");
                return false;
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGHUP cannot be handled in this JVM ({}): a new certificate needs a restart", e.toString());
            return false;
        }
    }
}
