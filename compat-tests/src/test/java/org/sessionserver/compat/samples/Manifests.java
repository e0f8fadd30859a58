package org.sessionserver.compat.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The objects of every {@code .yaml} file of a folder of Kubernetes manifests, every document of each. */
record Manifests(List<JsonNode> objects) {
    static final YAMLMapper YAML = new YAMLMapper();

    static Manifests load(Path folder) {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll());
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + folder, e);
        }
        return new Manifests(List.copyOf(objects));
    }

    JsonNode find(String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())
                        && name.equals(o.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the manifests"));
    }
}
