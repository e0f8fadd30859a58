package org.sessionserver.compat.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sessionserver.compat.support.ClientScript;
import org.sessionserver.config.ServerConfig;

/**
 * {@code samples/kubernetes} against the Kubernetes API's schemas, offline: {@code compat-tests/node/
 * validate-manifests.mjs} (the schemas of the kubernetes-models npm package, unknown fields refused) accepts every
 * object and refuses a broken copy; and the README's {@code dev-token.mjs} signs a token that the server, configured
 * as the Deployment is, accepts. Needs Node.js and compat-tests/node's node_modules ({@code npm install}, which the
 * build runs before the ITs). (The manifests against the server's configuration: {@link KubernetesManifestsTest}.)
 */
class KubernetesManifestsIT {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);
    private static final Path KUBERNETES = SampleKit.samplesDir().resolve("kubernetes");

    @Test
    void everyObjectIsValidAgainstItsSchema() {
        ClientScript.Result run = validate(KUBERNETES);
        run.assertPassed("the manifests against their schemas");
        List<String> valid = run.output().lines().filter(l -> l.startsWith("VALID ")).toList();
        for (String kind : List.of("Deployment", "Service", "Secret", "PodDisruptionBudget",
                "HorizontalPodAutoscaler")) {
            assertTrue(valid.stream().anyMatch(l -> l.contains(" " + kind + " session-agent")), kind + ": " + valid);
        }
        assertEquals(Manifests.load(KUBERNETES).objects().size(), valid.size(), run.output());
    }

    @Test
    void aTypoOrAWrongTypeIsRefused(@TempDir Path broken) throws IOException {
        String deployment = Files.readString(KUBERNETES.resolve("deployment.yaml"));
        Files.writeString(broken.resolve("typo.yaml"), deployment.replace("readinessProbe:", "readinesProbe:"));
        Files.writeString(broken.resolve("type.yaml"), deployment.replace("replicas: 2", "replicas: two"));
        ClientScript.Result run = validate(broken);
        assertFalse(run.passed(), run.output());
        assertTrue(run.output().contains("INVALID type.yaml") && run.output().contains("must be integer"),
                run.output());
        assertTrue(run.output().contains("INVALID typo.yaml") && run.output().contains("readinesProbe"),
                run.output());
    }

    @Test
    void theReadmesDevTokenLogsInAsTheParticipant() throws Exception {
        String secret = Manifests.load(KUBERNETES).find("Secret", "session-agent-secrets")
                .at("/stringData/JWT_SECRET").asText();
        ClientScript.Result run = ClientScript.run(KUBERNETES, NODE_TIMEOUT, "env", "JWT_SECRET=" + secret,
                "node", "dev-token.mjs", "alice");
        run.assertPassed("dev-token.mjs");
        ServerConfig config = ServerConfig.fromEnv(Map.of("AUTH_MODE", "jwt", "JWT_SECRET", secret));
        assertEquals("alice", config.auth().newAuthenticator().authenticate(run.output().strip()));
    }

    private static ClientScript.Result validate(Path folder) {
        return ClientScript.run(SampleKit.compatDir().resolve("node"), NODE_TIMEOUT, "node", "validate-manifests.mjs",
                folder.toString());
    }
}
