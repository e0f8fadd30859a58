package org.sessionserver.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sessionserver.compat.support.FixtureTarget;
import org.sessionserver.compat.support.SharedFixture;

/** socket.io-client-java 2.1.2 (Socket.IO v5 / Engine.IO v4) against the fixture, on each transport setup. */
class JavaClientIT {
    private static final long WAIT_SECONDS = 5;
    private static FixtureTarget target;
    private final List<Socket> opened = new ArrayList<>();

    /** The three ways the client can run: one transport only, or polling first and then the upgrade. */
    enum Mode {
        WEBSOCKET(new String[] {"websocket"}, false, "websocket"),
        POLLING(new String[] {"polling"}, false, "polling"),
        POLLING_THEN_UPGRADE(new String[] {"polling", "websocket"}, true, "websocket");

        final String[] transports;
        final boolean upgrade;
        final String finalTransport;

        Mode(String[] transports, boolean upgrade, String finalTransport) {
            this.transports = transports;
            this.upgrade = upgrade;
            this.finalTransport = finalTransport;
        }
    }

    /** Every event a socket receives, by name, queued with its arguments. */
    private static final class Recorder {
        private final Map<String, BlockingQueue<Object[]>> events = new ConcurrentHashMap<>();
        private final Socket socket;

        Recorder(Socket socket, String... names) {
            this.socket = socket;
            for (String name : names) {
                socket.on(name, args -> queue(name).add(args));
            }
        }

        BlockingQueue<Object[]> queue(String name) {
            return events.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
        }

        Object[] await(String name) {
            try {
                Object[] args = queue(name).poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (args == null) {
                    fail("no '" + name + "' within " + WAIT_SECONDS + " s; seen " + events.keySet()
                            + (name.equals(Socket.EVENT_DISCONNECT) ? ""
                                    : "; disconnect " + describe(queue(Socket.EVENT_DISCONNECT).peek())));
                }
                return args;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @BeforeAll
    static void start() {
        target = SharedFixture.get();
    }

    @AfterEach
    void closeSockets() {
        opened.forEach(Socket::close);
    }

    private Socket socket(Mode mode, String nsp, Map<String, String> auth) {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(WAIT_SECONDS * 1000)
                .setTransports(mode.transports)
                .setUpgrade(mode.upgrade)
                .setAuth(auth)
                .build();
        Socket socket = IO.socket(URI.create(target.httpUrl() + nsp), options);
        opened.add(socket);
        return socket;
    }

    /** Connects and checks the fixture's {@code auth} event; returns the recorder of the named events. */
    private Recorder connected(Mode mode, Map<String, String> auth, String... events) {
        Socket socket = socket(mode, "/", auth);
        List<String> names = new ArrayList<>(List.of(events));
        names.addAll(List.of(Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR, Socket.EVENT_DISCONNECT, "auth"));
        Recorder recorder = new Recorder(socket, names.toArray(String[]::new));
        socket.connect();
        recorder.await(Socket.EVENT_CONNECT);
        recorder.await("auth");
        assertNotNull(socket.id(), "Socket.IO sid");
        return recorder;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectWithAuthAndReadItBack(Mode mode) {
        Socket socket = socket(mode, "/", Map.of("token", "abc"));
        Recorder recorder = new Recorder(socket, Socket.EVENT_CONNECT, "auth");
        socket.connect();
        recorder.await(Socket.EVENT_CONNECT);
        Object[] auth = recorder.await("auth");
        JSONObject payload = assertInstanceOf(JSONObject.class, auth[0]);
        assertEquals(1, payload.length(), payload.toString());
        assertEquals("abc", payload.optString("token"));
        assertTransportBecomes(socket, mode.finalTransport);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void refusedConnectCarriesMessageAndData(Mode mode) {
        // Map<String,String> is all this client's auth option allows: the fixture must treat "true" as true
        Socket socket = socket(mode, "/", Map.of("reject", "true"));
        Recorder recorder = new Recorder(socket, Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR);
        socket.connect();
        Object[] error = recorder.await(Socket.EVENT_CONNECT_ERROR);
        JSONObject body = assertInstanceOf(JSONObject.class, error[0]);
        assertEquals("unauthorized", body.optString("message"), body.toString());
        assertEquals("unauthorized", body.optJSONObject("data").optString("code"), body.toString());
        assertTrue(recorder.queue(Socket.EVENT_CONNECT).isEmpty());
        assertFalse(socket.connected());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknownNamespaceIsRefused(Mode mode) {
        Socket socket = socket(mode, "/random", Map.of());
        Recorder recorder = new Recorder(socket, Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR);
        socket.connect();
        Object[] error = recorder.await(Socket.EVENT_CONNECT_ERROR);
        JSONObject body = assertInstanceOf(JSONObject.class, error[0]);
        assertEquals("Invalid namespace", body.optString("message"), body.toString());
        assertFalse(socket.connected());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messageComesBack(Mode mode) throws Exception {
        Recorder recorder = connected(mode, Map.of(), "message-back");
        JSONObject object = new JSONObject("{\"3\":[true]}");
        recorder.socket.emit("message", 1, "2", object);
        Object[] back = recorder.await("message-back");
        assertEquals(3, back.length);
        assertEquals(1, back[0]);
        assertEquals("2", back[1]);
        assertEquals("{\"3\":[true]}", back[2].toString());
        assertTransportBecomes(recorder.socket, mode.finalTransport);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messageWithAckIsAcked(Mode mode) {
        Recorder recorder = connected(mode, Map.of());
        BlockingQueue<Object[]> acks = new LinkedBlockingQueue<>();
        recorder.socket.emit("message-with-ack", new Object[] {"a", 42}, (Ack) acks::add);
        Object[] ack = poll(acks, "ack");
        assertEquals(2, ack.length);
        assertEquals("a", ack[0]);
        assertEquals(42, ack[1]);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverAsksTheClientForAnAck(Mode mode) {
        Recorder recorder = connected(mode, Map.of(), "client-ack-result");
        recorder.socket.on("client-ack-request", args -> {
            Ack ack = (Ack) args[args.length - 1];
            ack.call("got", args[0]);
        });
        recorder.socket.emit("request-client-ack", "ping-me");
        Object[] result = recorder.await("client-ack-result");
        assertEquals(2, result.length);
        assertEquals("got", result[0]);
        assertEquals("ping-me", result[1]);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void binaryIsByteExactInEventsAndAcksBothWays(Mode mode) {
        byte[] all = allByteValues();
        Recorder recorder = connected(mode, Map.of(), "message-back", "client-ack-result");

        recorder.socket.emit("message", all, "text", new byte[] {7});
        Object[] back = recorder.await("message-back");
        assertArrayEquals(all, assertInstanceOf(byte[].class, back[0]));
        assertEquals("text", back[1]);
        assertArrayEquals(new byte[] {7}, assertInstanceOf(byte[].class, back[2]));

        BlockingQueue<Object[]> acks = new LinkedBlockingQueue<>();
        recorder.socket.emit("message-with-ack", new Object[] {all}, (Ack) acks::add);
        assertArrayEquals(all, assertInstanceOf(byte[].class, poll(acks, "binary ack")[0]));

        recorder.socket.on("client-ack-request", args -> ((Ack) args[args.length - 1]).call(all));
        recorder.socket.emit("request-client-ack");
        assertArrayEquals(all, assertInstanceOf(byte[].class, recorder.await("client-ack-result")[0]));
        assertTransportBecomes(recorder.socket, mode.finalTransport);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void staysConnectedAcrossSeveralPingIntervals(Mode mode) throws Exception {
        Recorder recorder = connected(mode, Map.of(), "message-back");
        // the heartbeat itself is under test: 1.5 s is five pingIntervals of 300 ms
        Thread.sleep(1500);
        assertTrue(recorder.socket.connected());
        assertTrue(recorder.queue(Socket.EVENT_DISCONNECT).isEmpty(),
                "disconnected: " + describe(recorder.queue(Socket.EVENT_DISCONNECT).peek()));
        recorder.socket.emit("message", "still here");
        assertEquals("still here", recorder.await("message-back")[0]);
        assertTransportBecomes(recorder.socket, mode.finalTransport);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void disconnectFromClientSide(Mode mode) {
        Recorder recorder = connected(mode, Map.of());
        recorder.socket.disconnect();
        assertEquals("io client disconnect", recorder.await(Socket.EVENT_DISCONNECT)[0]);
        assertFalse(recorder.socket.connected());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void disconnectFromServerSide(Mode mode) {
        Recorder recorder = connected(mode, Map.of());
        recorder.socket.emit("disconnect-me");
        assertEquals("io server disconnect", recorder.await(Socket.EVENT_DISCONNECT)[0]);
        assertFalse(recorder.socket.connected());
    }

    /** Waits until the client's Engine.IO transport is the expected one (the upgrade is asynchronous). */
    private static void assertTransportBecomes(Socket socket, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String current = transportName(socket);
        while (!expected.equals(current) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            current = transportName(socket);
        }
        assertEquals(expected, current, "Engine.IO transport in use");
    }

    /** socket.io-client-java keeps the engine and its transport package-private: read them reflectively. */
    private static String transportName(Socket socket) {
        try {
            Field engineField = Manager.class.getDeclaredField("engine");
            engineField.setAccessible(true);
            Object engine = engineField.get(socket.io());
            Field transportField = io.socket.engineio.client.Socket.class.getDeclaredField("transport");
            transportField.setAccessible(true);
            Object transport = transportField.get(engine);
            return transport == null ? null : ((io.socket.engineio.client.Transport) transport).name;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("socket.io-client-java internals changed", e);
        }
    }

    private static byte[] allByteValues() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    private static Object[] poll(BlockingQueue<Object[]> queue, String what) {
        try {
            Object[] args = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (args == null) {
                fail("no " + what + " within " + WAIT_SECONDS + " s");
            }
            return args;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String describe(Object[] args) {
        return args == null ? "-" : List.of(args).toString();
    }
}
