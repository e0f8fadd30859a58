package org.sessionserver.it.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.sessionserver.it.support.EioPolling;
import org.sessionserver.it.support.TestServer;

/**
 * An admin UI at the wire: an Engine.IO polling session that connects to {@code /admin} as the UI does, and reads
 * the admin namespace's events ({@code 42/admin,["name",...]}) one at a time.
 */
final class AdminWire {
    static final String USERNAME = "ops";
    static final String PASSWORD = "s3cret pass";
    /** bcrypt at the lowest cost, so that the tests do not wait for it. */
    static final String PASSWORD_HASH = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
    static final String PREFIX = "42/admin,";

    final EioPolling.Session session;

    private AdminWire(EioPolling.Session session) {
        this.session = session;
    }

    /** The environment of a node with the admin UI on, plus more name/value pairs. */
    static String[] env(String... more) {
        String[] env = {"ADMIN_UI", "true", "ADMIN_USERNAME", USERNAME, "ADMIN_PASSWORD_HASH", PASSWORD_HASH};
        String[] all = Arrays.copyOf(env, env.length + more.length);
        System.arraycopy(more, 0, all, env.length, more.length);
        return all;
    }

    /** Sends a CONNECT to {@code namespace} with that auth payload; returns the server's answer packet. */
    static String connect(TestServer server, String namespace, String auth) {
        AdminWire wire = new AdminWire(new EioPolling(server.url()).open());
        return wire.push("40" + namespace + "," + auth).session.next();
    }

    /** Logs in with the right credentials; the CONNECT reply is checked and consumed. */
    static AdminWire login(TestServer server) {
        return loginWith(server, "{\"username\":\"" + USERNAME + "\",\"password\":\"" + PASSWORD + "\"}");
    }

    static AdminWire loginWith(TestServer server, String auth) {
        AdminWire wire = new AdminWire(new EioPolling(server.url()).open());
        String reply = wire.push("40/admin," + auth).session.next();
        assertTrue(reply.startsWith("40/admin,{\"sid\":"), reply);
        return wire;
    }

    AdminWire push(String packet) {
        session.push(packet);
        return this;
    }

    /** Emits an admin event ({@code _disconnect}, {@code join}, {@code leave}) with these JSON arguments. */
    AdminWire emit(String event, String jsonArgs) {
        return push(PREFIX + "[\"" + event + "\"," + jsonArgs + "]");
    }

    /**
     * The arguments of the next {@code event} that {@code match}es within {@link TestServer#WAIT}, skipping other
     * packets (stats come every 2 s, so a bare {@code until} would never give up).
     */
    JsonNode next(String event, Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + TestServer.WAIT.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String packet = session.next();
            JsonNode args = args(packet);
            if (args != null && args.path(0).asText().equals(event) && match.test(args)) {
                return args;
            }
            seen.add(packet.length() > 200 ? packet.substring(0, 200) + "..." : packet);
        }
        return fail("no matching '" + event + "' within " + TestServer.WAIT.toMillis() + " ms; seen " + seen);
    }

    JsonNode next(String event) {
        return next(event, args -> true);
    }

    /** The event array of an admin event packet, or null for another packet. */
    static JsonNode args(String packet) {
        return packet.startsWith(PREFIX) ? EioPolling.json(packet.substring(PREFIX.length())) : null;
    }
}
