package io.messages.k8s;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Constructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Renders a kustomization with {@code kubectl kustomize} and parses every object with fabric8's
 * Kubernetes model, strictly: fabric8 keeps unknown fields and wrongly typed values in
 * {@code additionalProperties} instead of failing, so any such entry anywhere is reported. Custom
 * resources (an operator's kinds) are checked against the operator's own CRD schema.
 */
final class Manifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    // The custom resources the manifests use, with the schema of the operator version checked against.
    private static final List<CrdSchema> CUSTOM_RESOURCES = List.of(
            CrdSchema.fromResource("/cnpg/postgresql.cnpg.io_clusters-1.30.0.yaml.gz"),
            CrdSchema.fromResource("/cnpg/postgresql.cnpg.io_scheduledbackups-1.30.0.yaml.gz"),
            CrdSchema.fromResource("/barman-cloud/barmancloud.cnpg.io_objectstores-0.14.0.yaml.gz"),
            CrdSchema.fromResource("/prometheus-operator/monitoring.coreos.com_podmonitors-0.93.0.yaml.gz"),
            CrdSchema.fromResource("/prometheus-operator/monitoring.coreos.com_prometheusrules-0.93.0.yaml.gz"));

    private Manifests() {
    }

    /** The objects {@code kubectl kustomize dir} renders. */
    static List<HasMetadata> render(Path dir) throws IOException, InterruptedException {
        requireKubectl();
        Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail("kubectl kustomize " + dir + " failed: " + errors);
        }
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---$")) {
            if (!document.isBlank()) {
                HasMetadata object = SERIALIZATION.unmarshal(document, HasMetadata.class);
                List<String> unknown = new ArrayList<>();
                if (object instanceof GenericKubernetesResource) {
                    // Not a Kubernetes kind: checked against its operator's published schema.
                    CrdSchema schema = CUSTOM_RESOURCES.stream()
                            .filter(crd -> crd.apiVersion().equals(object.getApiVersion())
                                    && crd.kind().equals(object.getKind()))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no schema to check " + object.getApiVersion() + " "
                                                                          + object.getKind() + " against"));
                    unknown.addAll(schema.violations(asKubectlReadsIt(document)));
                } else {
                    collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
                }
                if (!unknown.isEmpty()) {
                    fail("fields unknown to the API or of the wrong type: " + unknown);
                }
                objects.add(object);
            }
        }
        return objects;
    }

    // YAML as kubectl reads it into JSON for the API server (sigs.k8s.io/yaml): a scalar that
    // looks like a timestamp (a recovery targetTime, which kustomize prints unquoted) stays a
    // string. SnakeYAML's YAML 1.1 default would make it a Date and fail the schema's string type.
    private static Map<String, Object> asKubectlReadsIt(String document) {
        Resolver noTimestamps = new Resolver() {
            @Override
            public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
                if (!Tag.TIMESTAMP.equals(tag)) {
                    super.addImplicitResolver(tag, regexp, first, limit);
                }
            }
        };
        LoaderOptions options = new LoaderOptions();
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new Constructor(options), new Representer(dumper), dumper, options, noTimestamps).load(document);
    }

    /** The object of {@code type} named {@code name}, else (generated names) the one named with it as prefix. */
    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> candidates = objects.stream().filter(type::isInstance).map(type::cast).toList();
        return candidates.stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .or(() -> candidates.stream().filter(o -> o.getMetadata().getName().startsWith(name + "-")).findFirst())
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects.stream()
                        .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }

    /** The custom resource (an operator's kind) of {@code kind} named {@code name}, as its fields. */
    static Map<String, Object> custom(List<HasMetadata> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o instanceof GenericKubernetesResource && o.getKind().equals(kind)
                        && o.getMetadata().getName().equals(name))
                .map(o -> ((GenericKubernetesResource) o).getAdditionalProperties())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    // kubectl is on this kind of machine; a CI run must not silently skip the manifests.
    private static void requireKubectl() throws InterruptedException {
        try {
            if (new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0) {
                return;
            }
        } catch (IOException e) {
            // not installed
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("kubectl is required in CI to verify the Kubernetes manifests");
        }
        abort("kubectl is not installed: the Kubernetes manifests are not verified on this machine");
    }

    private static void collectUnknown(Object node, String path, List<String> unknown) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknown(value, path + "." + key, unknown));
            return;
        }
        if (node == null || !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknown(value, path + "." + getter.getName().replaceFirst("^(get|is)", ""), unknown);
            }
        }
    }

}
