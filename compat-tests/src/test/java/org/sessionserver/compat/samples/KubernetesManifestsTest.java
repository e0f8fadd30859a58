package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.sessionserver.config.AuthConfig;
import org.sessionserver.config.ServerConfig;
import org.sessionserver.httpapi.HealthRoute;
import org.sessionserver.httpapi.MetricsRoute;

/**
 * {@code samples/kubernetes} against the server's own configuration: every variable the Deployment sets is one the
 * server reads ({@link ServerConfig#variablesRead}, with the Secret's values), and together they pass its validation;
 * the probes point at the routes that serve {@code /health} and {@code /metrics}, on the port the server listens on;
 * the grace period outlasts the preStop pause plus {@code DRAIN_TIMEOUT_MS}; the Service, PodDisruptionBudget and
 * HorizontalPodAutoscaler reach the Deployment's pods. (The schemas: {@link KubernetesManifestsIT}.)
 */
class KubernetesManifestsTest {
    /** What {@code fieldRef: metadata.name} gives a pod of the Deployment. */
    private static final String POD_NAME = "session-agent-6b7c9d5f4-x2x4q";

    private final Manifests manifests = Manifests.load(SampleKit.samplesDir().resolve("kubernetes"));
    private final JsonNode deployment = manifests.find("Deployment", "session-agent");
    private final JsonNode container = deployment.at("/spec/template/spec/containers/0");
    private final JsonNode podLabels = deployment.at("/spec/template/metadata/labels");

    @Test
    void everyVariableIsOneTheServerReadsAndTheirValuesPassItsValidation() {
        Map<String, String> env = environment();
        Set<String> unknown = new TreeSet<>(env.keySet());
        unknown.removeAll(ServerConfig.variablesRead(env));
        assertEquals(Set.of(), unknown, "variables the server never reads");

        ServerConfig config = ServerConfig.fromEnv(env);
        assertEquals(POD_NAME, config.nodeId());
        assertEquals(AuthConfig.Mode.JWT, config.auth().mode());
        assertTrue(config.engineKey().isPresent(), "ENGINE_KEY from the Secret");
        assertTrue(!config.redis().isEmbedded(), "REDIS_URL");
    }

    @Test
    void probesAndPortsAreTheServers() {
        ServerConfig config = ServerConfig.fromEnv(environment());
        JsonNode port = container.at("/ports/0");
        assertEquals(config.port(), port.path("containerPort").asInt(), "containerPort is PORT");
        String portName = port.path("name").asText();

        JsonNode readiness = container.at("/readinessProbe/httpGet");
        assertEquals(HealthRoute.PATH, readiness.path("path").asText(), "readiness: 503 while draining or degraded");
        assertEquals(portName, readiness.path("port").asText());
        JsonNode liveness = container.at("/livenessProbe/httpGet");
        assertEquals(MetricsRoute.PATH, liveness.path("path").asText(), "liveness: 200 whatever Redis does");
        assertEquals(portName, liveness.path("port").asText());

        JsonNode service = manifests.find("Service", "session-agent");
        assertEquals(3000, service.at("/spec/ports/0/port").asInt());
        assertEquals(portName, service.at("/spec/ports/0/targetPort").asText());
        assertSelects(service.at("/spec/selector"), "the Service");
    }

    @Test
    void theGracePeriodOutlastsThePreStopPauseAndTheDrain() {
        long drainMs = ServerConfig.fromEnv(environment()).timing().drainTimeoutMs();
        JsonNode preStop = container.at("/lifecycle/preStop/exec/command");
        assertEquals("sleep", preStop.path(0).asText(), "preStop: " + preStop);
        long pauseMs = preStop.path(1).asLong() * 1000;
        long graceMs = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong() * 1000;
        assertTrue(graceMs > pauseMs + drainMs, "grace " + graceMs + " ms <= preStop " + pauseMs + " ms + drain "
                + drainMs + " ms: the kubelet would kill the JVM mid-drain");
    }

    @Test
    void theBudgetAndTheAutoscalerTakeTheDeploymentsPods() {
        JsonNode budget = manifests.find("PodDisruptionBudget", "session-agent");
        assertSelects(budget.at("/spec/selector/matchLabels"), "the PodDisruptionBudget");
        JsonNode hpa = manifests.find("HorizontalPodAutoscaler", "session-agent");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("session-agent", hpa.at("/spec/scaleTargetRef/name").asText());
        assertEquals("cpu", hpa.at("/spec/metrics/0/resource/name").asText());
        assertTrue(container.at("/resources/requests/cpu").isTextual(), "CPU utilization needs a CPU request");
        assertSelects(deployment.at("/spec/selector/matchLabels"), "the Deployment's selector");
    }

    /** The container's environment, with secretKeyRef values taken from the Secret and fieldRef from the pod. */
    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode from = variable.path("valueFrom");
            if (variable.has("value")) {
                env.put(name, variable.path("value").asText());
            } else if (from.has("secretKeyRef")) {
                JsonNode ref = from.path("secretKeyRef");
                JsonNode secret = manifests.find("Secret", ref.path("name").asText());
                JsonNode value = secret.at("/stringData/" + ref.path("key").asText());
                assertTrue(value.isTextual(), name + ": no such key in the Secret");
                env.put(name, value.asText());
            } else if ("metadata.name".equals(from.at("/fieldRef/fieldPath").asText())) {
                env.put(name, POD_NAME);
            } else {
                fail(name + ": a source this test does not know: " + variable);
            }
        }
        return env;
    }

    private void assertSelects(JsonNode selector, String what) {
        assertTrue(selector.size() > 0, what + " selects nothing");
        selector.fields().forEachRemaining(label -> assertEquals(label.getValue().asText(),
                podLabels.path(label.getKey()).asText(), what + " does not select the pods: " + label));
    }
}
