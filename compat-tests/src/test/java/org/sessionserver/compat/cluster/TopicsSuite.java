package org.sessionserver.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sessionserver.bus.testing.Wait;

/**
 * What DESIGN.md "Topics" promises, with socket.io-client-java and raw {@code /ws} agents, run once per deployment
 * (one node in memory; three nodes over Redis): members reached on every node, membership made through one node and
 * used on another, before or after they connect, at most once across mixed entries, exclude, leave, presence, bad
 * input, a 10,000-member topic. Members sit on node {@code i % nodes + 1}; the engine calls go through other nodes.
 * "Exactly once" is checked after a short settle, so that a duplicate would have had time to arrive.
 */
abstract class TopicsSuite {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration SETTLE = Duration.ofMillis(500);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final List<AutoCloseable> clients = new ArrayList<>();

    /** How many nodes the deployment has (1-based numbers up to it). */
    abstract int nodes();

    abstract int port(int node);

    abstract String engineKey();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        clients.clear();
    }

    /** Node {@code n} counted round the deployment: 1, 2, 3, 1... on three nodes; always 1 on one. */
    int node(int n) {
        return (n - 1) % nodes() + 1;
    }

    static String id(String name) {
        return name + "-" + IDS.incrementAndGet();
    }

    ClusterClient sio(int node, String participant) {
        ClusterClient client = ClusterClient.connect(port(node(node)), participant);
        clients.add(client);
        return client;
    }

    RawAgent raw(int node, String participant) {
        RawAgent agent = RawAgent.connect(port(node(node)), participant);
        clients.add(agent);
        return agent;
    }

    HttpResponse<String> engine(int node, String method, String path, String body) {
        return Cluster.request(port(node(node)), method, path, body, engineKey());
    }

    void join(int viaNode, String topic, String... participants) {
        for (String participant : participants) {
            HttpResponse<String> response = engine(viaNode, "PUT", "/topics/" + topic + "/members/" + participant, null);
            assertEquals(200, response.statusCode(), response.body());
        }
    }

    void publish(int viaNode, String message) {
        HttpResponse<String> response = engine(viaNode, "POST", "/messages", message);
        assertEquals(202, response.statusCode(), response.body());
    }

    static String toTopic(String topic, String tag) {
        return message("[{\"topic\":\"" + topic + "\"}]", tag);
    }

    static String message(String to, String tag) {
        return "{\"event\":{\"id\":\"" + tag + "\",\"type\":\"engine.note\"},\"to\":" + to
                + ",\"data\":{\"tag\":\"" + tag + "\"}}";
    }

    static void awaitReceived(Supplier<List<String>> received, List<String> expected, String who) {
        Wait.until(WAIT, () -> received.get().size() >= expected.size(), () -> who + " received " + received.get());
        Wait.settle(SETTLE);
        assertEquals(expected, received.get(), who);
    }

    @Test
    void aMemberOnEveryNodeGetsEachTopicMessageOnce() {
        String topic = id("room");
        ClusterClient a = sio(1, id("a"));
        RawAgent b = raw(2, id("b"));
        ClusterClient c = sio(3, id("c"));
        ClusterClient outsider = sio(1, id("d"));
        join(2, topic, a.session().optString("participantId"));
        join(3, topic, b.helloParticipant());
        join(1, topic, c.session().optString("participantId"));
        publish(2, toTopic(topic, "t1"));
        publish(3, toTopic(topic, "t2"));
        for (ClusterClient member : List.of(a, c)) {
            awaitReceived(() -> member.received("data", "tag"), List.of("t1", "t2"), member.nodeId());
        }
        awaitReceived(() -> b.received("tag"), List.of("t1", "t2"), "raw " + b.nodeId());
        assertEquals(List.of(), outsider.received("data", "tag"));
    }

    @Test
    void membershipMadeBeforeConnectingReachesConnectionsOpenedLater() {
        String topic = id("room");
        String participant = id("late");
        join(1, topic, participant);
        ClusterClient phone = sio(2, participant);
        RawAgent agent = raw(3, participant);
        publish(1, toTopic(topic, "right-after-connect"));
        awaitReceived(() -> phone.received("data", "tag"), List.of("right-after-connect"), "socket.io");
        awaitReceived(() -> agent.received("tag"), List.of("right-after-connect"), "raw");
    }

    @Test
    void mixedEntriesReachEachConnectionOnce() {
        String t = id("t");
        String u = id("u");
        String participant = id("both");
        ClusterClient phone = sio(1, participant);
        RawAgent agent = raw(2, participant);
        join(3, t, participant);
        join(3, u, participant);
        publish(1, message("[{\"topic\":\"" + t + "\"},{\"topic\":\"" + u + "\"},{\"participantId\":\"" + participant
                + "\"},{\"participantId\":\"" + participant + "\",\"sessionId\":\"" + phone.sessionId() + "\"}]",
                "mixed"));
        awaitReceived(() -> phone.received("data", "tag"), List.of("mixed"), "socket.io");
        awaitReceived(() -> agent.received("tag"), List.of("mixed"), "raw");
    }

    @Test
    void excludedSessionsNeverReceive() {
        String topic = id("room");
        String sender = id("sender");
        String other = id("other");
        ClusterClient senderPhone = sio(1, sender);
        RawAgent senderAgent = raw(2, sender);
        ClusterClient otherPhone = sio(3, other);
        join(1, topic, sender, other);
        publish(2, "{\"to\":[{\"topic\":\"" + topic + "\"}],\"exclude\":[{\"sessionId\":\""
                + senderPhone.sessionId() + "\"}],\"data\":{\"tag\":\"not-to-myself\"}}");
        publish(2, "{\"to\":[{\"topic\":\"" + topic + "\"}],\"exclude\":[{\"participantId\":\"" + sender
                + "\"}],\"data\":{\"tag\":\"not-to-me-at-all\"}}");
        awaitReceived(() -> otherPhone.received("data", "tag"), List.of("not-to-myself", "not-to-me-at-all"), "other");
        awaitReceived(() -> senderAgent.received("tag"), List.of("not-to-myself"), "sender's agent");
        assertEquals(List.of(), senderPhone.received("data", "tag"));
    }

    @Test
    void aMemberThatLeftGetsNoMore() {
        String topic = id("room");
        String participant = id("leaver");
        ClusterClient phone = sio(2, participant);
        join(1, topic, participant);
        HttpResponse<String> left = engine(3, "DELETE", "/topics/" + topic + "/members/" + participant, null);
        assertEquals("{\"ok\":true,\"left\":true}", left.body());
        assertEquals("{\"ok\":true,\"left\":false}",
                engine(1, "DELETE", "/topics/" + topic + "/members/" + participant, null).body());
        publish(1, toTopic(topic, "after-leave"));
        publish(1, message("[{\"participantId\":\"" + participant + "\"}]", "marker"));
        awaitReceived(() -> phone.received("data", "tag"), List.of("marker"), "left member");
    }

    @Test
    void presenceIsClusterWideAndFollowsConnections() throws Exception {
        String topic = id("room");
        String online = id("online");
        String offline = id("offline");
        ClusterClient phone = sio(1, online);
        raw(2, online);
        HttpResponse<String> joined = engine(3, "PUT", "/topics/" + topic + "/members/" + online, null);
        assertEquals("{\"ok\":true,\"joined\":true}", joined.body());
        assertEquals("{\"ok\":true,\"joined\":false}",
                engine(1, "PUT", "/topics/" + topic + "/members/" + online, null).body());
        join(1, topic, offline);
        JsonNode presence = Cluster.json(engine(2, "GET", "/topics/" + topic, null));
        assertEquals(Cluster.JSON.readTree("{\"ok\":true,\"topic\":\"" + topic + "\",\"members\":["
                + "{\"participantId\":\"" + offline + "\",\"online\":false,\"connections\":0},"
                + "{\"participantId\":\"" + online + "\",\"online\":true,\"connections\":2}]}"), presence);
        JsonNode participant = Cluster.json(engine(3, "GET", "/participants/" + online, null));
        assertEquals(true, participant.path("online").asBoolean());
        assertEquals(List.of(topic), List.of(participant.path("topics").get(0).asText()));
        assertEquals(2, participant.path("connections").size());
        phone.close();
        Wait.until(WAIT, () -> Cluster.json(engine(1, "GET", "/topics/" + topic, null))
                .path("members").get(1).path("connections").asInt() == 1, "presence after a disconnect");
        JsonNode stranger = Cluster.json(engine(1, "GET", "/participants/" + id("nobody"), null));
        assertEquals(false, stranger.path("online").asBoolean());
        assertEquals(0, stranger.path("topics").size());
    }

    @Test
    void badNamesBodiesKeysAndMethodsAreRefused() {
        Map<String, Integer> expected = Map.of(
                "PUT /topics/bad%20name/members/p", 400,
                "PUT /topics/t/members/bad%7Bid", 400,
                "GET /topics/" + "x".repeat(129), 400,
                "GET /participants/bad%20id", 400,
                "POST /topics/t/members {\"add\":\"p\"}", 400,
                "POST /topics/t/members {\"add\":[1]}", 400,
                "POST /topics/t/members not json", 400,
                "POST /topics/t/members {\"add\":[\"p\"],\"remove\":[\"p\"]}", 400,
                "GET /topics/t/members/p", 405,
                "GET /topics/t/elsewhere", 404);
        expected.forEach((request, status) -> {
            String[] parts = request.split(" ", 3);
            HttpResponse<String> response = engine(1, parts[0], parts[1], parts.length > 2 ? parts[2] : null);
            assertEquals(status, response.statusCode(), request + ": " + response.body());
            assertTrue(response.body().startsWith("{\"ok\":false,\"error\":{\"code\":"), response.body());
        });
        assertEquals(400, engine(1, "POST", "/messages", "{\"to\":[{\"topic\":\"bad name\"}]}").statusCode());
        assertEquals(400, engine(1, "POST", "/messages", "{\"to\":[{\"topic\":\"t\"}],\"exclude\":[{}]}").statusCode());
        assertEquals(401, Cluster.request(port(1), "PUT", "/topics/t/members/p", null, null).statusCode());
        assertEquals(401, Cluster.request(port(1), "GET", "/topics/t", null, "wrong-key").statusCode());
    }

    @Test
    void aTenThousandMemberTopicReachesItsConnectedMembersOnce() throws Exception {
        String topic = id("big");
        List<String> connected = IntStream.rangeClosed(1, 3).mapToObj(i -> id("member")).toList();
        List<ClusterClient> phones = IntStream.rangeClosed(1, 3).mapToObj(i -> sio(i, connected.get(i - 1))).toList();
        List<String> members = new ArrayList<>(IntStream.range(0, 10_000 - 3).mapToObj(i -> topic + "-m" + i).toList());
        members.addAll(connected);
        String body = Cluster.JSON.writeValueAsString(Map.of("add", members));
        HttpResponse<String> added = engine(2, "POST", "/topics/" + topic + "/members", body);
        assertEquals("{\"ok\":true,\"added\":10000,\"removed\":0}", added.body());
        publish(3, toTopic(topic, "to-all"));
        for (ClusterClient phone : phones) {
            awaitReceived(() -> phone.received("data", "tag"), List.of("to-all"), phone.nodeId());
        }
        JsonNode presence = Cluster.json(engine(1, "GET", "/topics/" + topic, null));
        assertEquals(10_000, presence.path("members").size());
        long online = 0;
        for (JsonNode member : presence.path("members")) {
            online += member.path("online").asBoolean() ? 1 : 0;
        }
        assertEquals(3, online);
    }
}
