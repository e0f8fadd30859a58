package org.sessionserver.compat.cluster;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sessionserver.SessionServer;
import org.sessionserver.compat.support.ScenarioScript;

/**
 * socket.io-client 4.8.4 under Node ({@code compat-tests/node/topic-scenarios.js}) and python-socketio
 * ({@code compat-tests/python/topic_scenarios.py}) on topics, over websocket and polling, against one node alone
 * (in memory) and three nodes over Redis. Run a script by hand:
 * {@code node topic-scenarios.js http://127.0.0.1:<port>[,...] websocket <engineKey>}.
 */
class TopicScenariosIT {
    private static final Duration HARD_TIMEOUT = Duration.ofSeconds(120);
    private static SessionServer solo;
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        solo = Cluster.startAlone();
        cluster = Cluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (solo != null) {
            solo.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static Stream<Arguments> runs() {
        return Stream.of(ScenarioScript.values()).flatMap(script -> Stream.of("websocket", "polling")
                .flatMap(transport -> Stream.of(1, 3).map(nodes -> Arguments.of(script, transport, nodes))));
    }

    @ParameterizedTest(name = "{0} topics over {1} on {2} node(s)")
    @MethodSource("runs")
    void allScenariosPass(ScenarioScript client, String transport, int nodes) {
        String urls = nodes == 1 ? "http://127.0.0.1:" + solo.port()
                : IntStream.rangeClosed(1, nodes).mapToObj(n -> "http://127.0.0.1:" + cluster.port(n))
                        .collect(Collectors.joining(","));
        client.assertPasses(HARD_TIMEOUT, client == ScenarioScript.NODE ? "topic-scenarios.js" : "topic_scenarios.py",
                urls, transport, Cluster.ENGINE_KEY);
    }
}
