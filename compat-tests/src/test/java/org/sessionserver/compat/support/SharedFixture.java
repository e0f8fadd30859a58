package org.sessionserver.compat.support;

/**
 * One fixture for every wire and client test class in the JVM: sessions are independent, and starting and
 * stopping a server per class would cost more than the tests themselves. Stopped when the test JVM exits.
 */
public final class SharedFixture {
    private static FixtureTarget target;

    private SharedFixture() {
    }

    public static synchronized FixtureTarget get() {
        if (target == null) {
            FixtureTarget started = FixtureTarget.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }, "shared-fixture-stop"));
            target = started;
        }
        return target;
    }
}
