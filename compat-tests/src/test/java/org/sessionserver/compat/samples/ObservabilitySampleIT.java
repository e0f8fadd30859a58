package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.it.support.Await;
import org.sessionserver.it.support.Events;
import org.sessionserver.it.support.TestServer;
import org.sessionserver.it.support.WsRecorder;
import org.sessionserver.metrics.ServerMetrics;
import org.sessionserver.transport.engineio.EioSocket;

/**
 * {@code samples/observability} against what a real node exports: the node serves a raw client (an accepted event
 * and its echo, a refused one, a topic message, a disconnect), then every metric and label value the dashboard and
 * the alert rules query must be in its {@code GET /metrics}, and every metric family it exports must be on the
 * dashboard. promtool (Debian's prometheus package) checks the scrape config, the rules and, as recording rules, the
 * dashboard's queries with Prometheus's own parser.
 */
class ObservabilitySampleIT {
    private static final String ENGINE_KEY = "observability-engine-key";
    /** Made by Prometheus itself for each target, not by the server. */
    private static final Set<String> PROMETHEUS_METRICS = Set.of("up");
    /** Labels Prometheus attaches to every scraped sample. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ");
    private static final Pattern FAMILY = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE);
    private static final Path OBSERVABILITY = SampleKit.samplesDir().resolve("observability");

    private static TestServer server;
    private static String scrape;

    @BeforeAll
    static void serveAClientThenScrape() {
        server = TestServer.start("NODE_ID", "observability", "ENGINE_KEY", ENGINE_KEY, "DRAIN_TIMEOUT_MS", "0");
        try (WsRecorder alice = WsRecorder.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws?token=alice"),
                true)) {
            alice.nextTextMatching(f -> f.contains("\"hello_ack\""), TestServer.WAIT);
            alice.sendText("{\"type\":\"message\",\"request_id\":\"r1\",\"payload\":"
                    + Events.validJson("evt_1", "alice") + "}");
            alice.sendText("{\"type\":\"message\",\"request_id\":\"r2\",\"payload\":"
                    + Events.validJson("evt_2", "bob") + "}");
            alice.nextTextMatching(f -> f.contains("\"type\":\"message\""), TestServer.WAIT); // the echo
            assertEquals(200, server.request("PUT", "/topics/room/members/alice", null, ENGINE_KEY).statusCode());
            assertEquals(202, server.post("/messages", "{\"to\":[{\"topic\":\"room\"}],\"data\":{\"n\":1}}",
                    ENGINE_KEY).statusCode());
            alice.nextTextMatching(f -> f.contains("\"n\":1"), TestServer.WAIT);
        }
        Await.until(() -> server.metric("sessions_connections", null) == 0, () -> "alice's disconnect");
        scrape = server.metrics();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() {
        Set<String> exported = seriesNames();
        List<String> problems = new ArrayList<>();
        List<String> queries = queries();
        assertTrue(queries.size() >= 20, "too few queries found: " + queries);
        for (String query : queries) {
            Set<String> names = PromQueries.metricNames(query);
            if (names.isEmpty()) {
                problems.add("no metric in " + query);
            }
            for (String name : names) {
                if (!exported.contains(name) && !PROMETHEUS_METRICS.contains(name)) {
                    problems.add(name + " (in " + query + ")");
                }
            }
        }
        assertEquals(List.of(), problems, "metrics the server does not export; it exports " + exported);
    }

    @Test
    void everyLabelValueTheyAskForIsOneTheServerUses() {
        List<String> problems = new ArrayList<>();
        for (String query : queries()) {
            for (PromQueries.LabelMatcher matcher : PromQueries.labelMatchers(query)) {
                boolean ours = matcher.operator().equals("=") && !TARGET_LABELS.contains(matcher.label())
                        && !PROMETHEUS_METRICS.contains(matcher.metric());
                String wanted = matcher.label() + "=\"" + matcher.value() + "\"";
                if (ours && scrape.lines().noneMatch(l -> l.startsWith(matcher.metric() + "{") && l.contains(wanted))) {
                    problems.add(matcher + " in " + query);
                }
            }
        }
        assertEquals(List.of(), problems, "label values no exported series has");
        assertEquals(EioSocket.SLOW_CONSUMER, ServerMetrics.SLOW_CONSUMER, "the reason the transports drop with");
    }

    @Test
    void theDashboardShowsEveryMetricFamilyTheServerExports() {
        Set<String> queried = new TreeSet<>();
        dashboardQueries().forEach(query -> queried.addAll(PromQueries.metricNames(query)));
        Set<String> missing = new TreeSet<>();
        Matcher family = FAMILY.matcher(scrape);
        while (family.find()) {
            String name = family.group(1);
            if (queried.stream().noneMatch(q -> q.startsWith(name))) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "exported metric families the dashboard does not show");
    }

    @Test
    void promtoolAcceptsTheScrapeConfigTheRulesAndTheDashboardsQueries(@TempDir Path work) throws IOException {
        String promtool = promtool();
        ClientScript.run(OBSERVABILITY, Duration.ofSeconds(60), promtool, "check", "config", "prometheus.yml")
                .assertPassed("promtool check config (and its alerts.yml)");
        List<Map<String, String>> rules = new ArrayList<>();
        for (String query : dashboardQueries()) {
            rules.add(Map.of("record", "dashboard:query_" + rules.size(),
                    "expr", PromQueries.withoutGrafanaVariables(query)));
        }
        Path asRules = work.resolve("dashboard-queries.yml");
        Manifests.YAML.writeValue(asRules.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard",
                "rules", rules))));
        ClientScript.Result run = ClientScript.run(work, Duration.ofSeconds(60), promtool, "check", "rules",
                asRules.toString());
        run.assertPassed("promtool check rules on the dashboard's queries");
        assertTrue(run.output().contains(rules.size() + " rules found"), run.output());
    }

    private static Set<String> seriesNames() {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.find()) {
                names.add(sample.group(1));
            }
        }
        assertFalse(names.isEmpty(), scrape);
        return names;
    }

    private static List<String> queries() {
        List<String> queries = new ArrayList<>(dashboardQueries());
        queries.addAll(PromQueries.ofRules(read("alerts.yml")));
        return queries;
    }

    private static List<String> dashboardQueries() {
        return PromQueries.ofDashboard(read("session-server-dashboard.json"));
    }

    private static JsonNode read(String file) {
        try {
            return Manifests.YAML.readTree(OBSERVABILITY.resolve(file).toFile()); // YAML reads JSON too
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** Debian's promtool ({@code -Dcompat.promtool} to use another); .ci/test-tools installs it. */
    private static String promtool() {
        String path = System.getProperty("compat.promtool", "/usr/bin/promtool");
        if (!Files.isExecutable(Path.of(path))) {
            fail(path + " is missing: apt-get install -y prometheus (.ci/test-tools installs it)");
        }
        return path;
    }
}
