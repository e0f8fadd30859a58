package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.json.JSONArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.StandaloneRedis;
import org.sessionserver.bus.testing.Wait;

/**
 * The admin UI's protocol across two nodes over Redis, with socket.io-client-java on {@code /admin} of n1 as the UI:
 * both nodes' {@code server_stats}, a session of n2 in {@code all_sockets}, n2's connects, topic joins and disconnects
 * in n1's feed (each node tells of its own sessions through the cluster bus), n2's own listing of its sessions with
 * their topics, and n1's actions on a session of n2.
 */
class AdminUiClusterIT {
    private static final String PASSWORD = "cluster admin";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.startOver(2, StandaloneRedis.start(), Map.of("ADMIN_UI", "true", "ADMIN_USERNAME", "ops",
                "ADMIN_PASSWORD_HASH", BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray())));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAdminOnOneNodeSeesAndActsOnTheOther() {
        try (ClusterClient early = ClusterClient.connect(cluster.port(2), "early");
             Admin admin = Admin.login(cluster.port(1))) {
            JsonNode sockets = admin.next("all_sockets", args -> true).path(1);
            assertTrue(sockets.toString().contains("\"nodeId\":\"n2\""), sockets.toString());
            assertTrue(sockets.toString().contains(early.sessionId()), sockets.toString());
            Set<String> servers = new HashSet<>();
            admin.next("server_stats", args -> servers.add(args.path(1).path("serverId").asText())
                    && servers.containsAll(List.of("n1", "n2")));

            try (ClusterClient late = ClusterClient.connect(cluster.port(2), "late")) {
                JsonNode connected = admin.next("socket_connected",
                        args -> args.path(1).path("id").asText().equals(late.sessionId())).path(1);
                assertEquals("n2", connected.path("data").path("nodeId").asText());

                admin.socket.emit("join", "/", "crew", late.sessionId());
                admin.next("room_joined", args -> args.path(2).asText().equals("crew")
                        && args.path(3).asText().equals(late.sessionId()));
                try (Admin another = Admin.login(cluster.port(1))) {
                    String listed = another.next("all_sockets", args -> true).path(1).toString();
                    assertTrue(listed.contains("\"rooms\":[\"" + late.sessionId() + "\",\"crew\"]"),
                            "n2 lists its session with its topics: " + listed);
                }

                admin.socket.emit("_disconnect", "/", false, late.sessionId());
                admin.next("socket_disconnected", args -> args.path(2).asText().equals(late.sessionId()));
                Wait.until(WAIT, () -> !late.connected(), "the session on n2 closed by the admin on n1");
                assertTrue(early.connected());
            }
        }
    }

    /** socket.io-client-java on {@code /admin}, recording every event it receives as a JSON array. */
    private static final class Admin implements AutoCloseable {
        final Socket socket;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        private Admin(Socket socket) {
            this.socket = socket;
            socket.onAnyIncoming(args -> events.add(json(new JSONArray(Arrays.asList(args)).toString())));
        }

        static Admin login(int port) {
            IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                    .setTransports(new String[] {"websocket"}).setAuth(Map.of("username", "ops", "password", PASSWORD))
                    .build();
            Admin admin = new Admin(IO.socket(URI.create("http://127.0.0.1:" + port + "/admin"), options));
            BlockingQueue<Object> connected = new LinkedBlockingQueue<>();
            admin.socket.once(Socket.EVENT_CONNECT, args -> connected.add(true));
            admin.socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.add(Arrays.toString(args)));
            admin.socket.connect();
            try {
                Object result = connected.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (!Boolean.TRUE.equals(result)) {
                    admin.close();
                    fail("the admin did not connect to /admin: " + result);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return admin;
        }

        /** The next {@code event} that matches within {@link #WAIT}, skipping others. */
        JsonNode next(String event, Predicate<JsonNode> match) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> seen = new ArrayList<>();
            try {
                for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                    JsonNode args = events.poll(left, TimeUnit.NANOSECONDS);
                    if (args != null && args.path(0).asText().equals(event) && match.test(args)) {
                        return args;
                    }
                    seen.add(args == null ? "-" : args.path(0).asText());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fail("no matching '" + event + "' within " + WAIT.toMillis() + " ms; seen " + seen);
        }

        private static JsonNode json(String text) {
            try {
                return Cluster.JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
