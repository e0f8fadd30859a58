package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose files, read as Docker would (no Docker here): the top-level {@code docker-compose.yml} and
 * {@code samples/compose/redis-cluster.yml} name only files and services that exist (build contexts, Dockerfiles,
 * mounted files, dependencies), and Prometheus and Grafana are wired together: the rules Prometheus loads and the
 * dashboard Grafana provisions are mounted where their configs look for them.
 */
class ComposeFilesTest {
    private static final Path ROOT = SampleKit.samplesDir().getParent();

    @Test
    void everyFileAndServiceTheyNameExists() {
        for (Path file : List.of(ROOT.resolve("docker-compose.yml"),
                ROOT.resolve("samples/compose/redis-cluster.yml"))) {
            Map<String, Object> services = map(load(file).get("services"));
            List<String> problems = new ArrayList<>();
            services.forEach((name, value) -> {
                Map<String, Object> service = map(value);
                if (service.get("build") instanceof Map<?, ?> build) {
                    Path context = file.getParent().resolve((String) build.get("context")).normalize();
                    if (!Files.isRegularFile(context.resolve((String) build.get("dockerfile")))) {
                        problems.add(name + ": no " + build.get("dockerfile") + " in " + context);
                    }
                }
                for (Object volume : list(service.get("volumes"))) {
                    Path source = file.getParent().resolve(((String) volume).split(":")[0]).normalize();
                    if (!Files.exists(source)) {
                        problems.add(name + ": mounts " + source + ", which does not exist");
                    }
                }
                Object dependsOn = service.get("depends_on");
                for (Object dependency : dependsOn instanceof Map<?, ?> m ? m.keySet() : list(dependsOn)) {
                    if (!services.containsKey((String) dependency)) {
                        problems.add(name + ": depends on " + dependency + ", which is no service");
                    }
                }
            });
            assertEquals(List.of(), problems, file.toString());
        }
    }

    @Test
    void prometheusLoadsTheAlertsAndGrafanaTheDashboard() {
        Map<String, Object> services = map(load(ROOT.resolve("docker-compose.yml")).get("services"));
        Path observability = ROOT.resolve("samples/observability");

        Map<String, String> prometheus = mounts(services.get("prometheus"));
        String config = prometheus.get(observability.resolve("prometheus.yml").toString());
        assertEquals("/etc/prometheus/prometheus.yml", config, "the image's default config path: " + prometheus);
        for (Object rules : list(load(observability.resolve("prometheus.yml")).get("rule_files"))) {
            assertTrue(prometheus.containsValue("/etc/prometheus/" + rules), rules + " is not mounted: " + prometheus);
        }

        Map<String, String> grafana = mounts(services.get("grafana"));
        Map<String, Object> provider = map(list(load(observability.resolve("grafana/dashboards.yml"))
                .get("providers")).get(0));
        String dashboard = grafana.get(observability.resolve("session-server-dashboard.json").toString());
        assertTrue(dashboard != null && dashboard.startsWith(map(provider.get("options")).get("path") + "/"),
                "the dashboard is not where the provider reads: " + grafana);
        for (String provisioning : List.of("datasources", "dashboards")) {
            String target = grafana.get(observability.resolve("grafana/" + provisioning + ".yml").toString());
            assertTrue(target != null && target.startsWith("/etc/grafana/provisioning/" + provisioning + "/"),
                    provisioning + ": " + grafana);
        }
        Map<String, Object> source = map(list(load(observability.resolve("grafana/datasources.yml"))
                .get("datasources")).get(0));
        URI url = URI.create((String) source.get("url"));
        assertTrue(services.containsKey(url.getHost()), "the data source is no service: " + url);
        assertTrue(list(map(services.get(url.getHost())).get("ports")).contains(url.getPort() + ":" + url.getPort()),
                "the data source's port: " + url);
    }

    /** A service's bind mounts: source (absolute) to target. */
    private static Map<String, String> mounts(Object service) {
        Map<String, String> mounts = new HashMap<>();
        for (Object volume : list(map(service).get("volumes"))) {
            String[] parts = ((String) volume).split(":");
            mounts.put(ROOT.resolve(parts[0]).normalize().toString(), parts[1]);
        }
        return mounts;
    }

    private static Map<String, Object> load(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader); // SnakeYAML resolves anchors and merge keys, as compose does
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
