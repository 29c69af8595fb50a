package io.messages.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.GZIPInputStream;

import org.yaml.snakeyaml.Yaml;

/**
 * A custom resource's schema, read from the operator's own CustomResourceDefinition, and the
 * structural checks the Kubernetes API server makes against it: every field known (unless the
 * schema keeps unknown fields), of its type, within its enum, pattern and bounds, and every
 * required field present. (Rules the operator's admission webhook or CEL expressions add are
 * checked by the tests that use it, one by one.)
 */
final class CrdSchema {
    private final String apiVersion;
    private final String kind;
    private final Map<String, Object> schema;

    private CrdSchema(String apiVersion, String kind, Map<String, Object> schema) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.schema = schema;
    }

    /** The schema of the one served version of the CRD in the gzipped test resource {@code resource}. */
    @SuppressWarnings("unchecked")
    static CrdSchema fromResource(String resource) {
        try (InputStream in = new GZIPInputStream(CrdSchema.class.getResourceAsStream(resource))) {
            Map<String, Object> crd = new Yaml().load(in);
            Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
            Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).getFirst();
            Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) version.get("schema"))
                    .get("openAPIV3Schema");
            String kind = (String) ((Map<String, Object>) spec.get("names")).get("kind");
            return new CrdSchema(spec.get("group") + "/" + version.get("name"), kind, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String apiVersion() {
        return apiVersion;
    }

    String kind() {
        return kind;
    }

    /** Everything about {@code object} (a whole resource) that the API server would refuse. */
    @SuppressWarnings("unchecked")
    List<String> violations(Map<String, Object> object) {
        List<String> found = new ArrayList<>();
        // metadata is the API server's own ObjectMeta; the CRD leaves it open.
        Map<String, Object> rest = new java.util.LinkedHashMap<>(object);
        rest.remove("metadata");
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        rest.forEach((key, value) -> {
            if (!properties.containsKey(key)) {
                found.add(kind + "." + key + ": not in the schema");
            } else if (!key.equals("apiVersion") && !key.equals("kind")) {
                check((Map<String, Object>) properties.get(key), value, kind + "." + key, found);
            }
        });
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> schema, Object value, String path, List<String> found) {
        if (schema.containsKey("anyOf")) {
            boolean any = false;
            for (Map<String, Object> option : (List<Map<String, Object>>) schema.get("anyOf")) {
                List<String> trial = new ArrayList<>();
                check(option, value, path, trial);
                any |= trial.isEmpty();
            }
            if (!any) {
                found.add(path + ": matches none of " + schema.get("anyOf"));
                return;
            }
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Integer || value instanceof Long || value instanceof String)) {
                found.add(path + ": must be an integer or a string, not " + value);
            }
            return;
        }
        Object type = schema.get("type");
        if (type == null) {
            return;
        }
        switch ((String) type) {
            case "object" -> object(schema, value, path, found);
            case "array" -> {
                if (!(value instanceof List<?> items)) {
                    found.add(path + ": must be an array");
                    return;
                }
                Map<String, Object> itemSchema = (Map<String, Object>) schema.get("items");
                for (int i = 0; i < items.size(); i++) {
                    if (itemSchema != null) {
                        check(itemSchema, items.get(i), path + "[" + i + "]", found);
                    }
                }
            }
            case "string" -> {
                if (!(value instanceof String text)) {
                    found.add(path + ": must be a string, not " + value + " (quote it)");
                    return;
                }
                if (schema.containsKey("enum") && !((List<Object>) schema.get("enum")).contains(text)) {
                    found.add(path + ": '" + text + "' is not one of " + schema.get("enum"));
                }
                if (schema.get("pattern") instanceof String pattern && !matches(pattern, text)) {
                    found.add(path + ": '" + text + "' does not match " + pattern);
                }
            }
            case "integer" -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    found.add(path + ": must be an integer, not " + value);
                    return;
                }
                long number = ((Number) value).longValue();
                if (schema.get("minimum") instanceof Number min && number < min.longValue()) {
                    found.add(path + ": " + number + " is below the minimum " + min);
                }
                if (schema.get("maximum") instanceof Number max && number > max.longValue()) {
                    found.add(path + ": " + number + " is above the maximum " + max);
                }
            }
            case "number" -> {
                if (!(value instanceof Number)) {
                    found.add(path + ": must be a number, not " + value);
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    found.add(path + ": must be true or false, not " + value);
                }
            }
            default -> found.add(path + ": unknown schema type " + type);
        }
    }

    @SuppressWarnings("unchecked")
    private static void object(Map<String, Object> schema, Object value, String path, List<String> found) {
        if (!(value instanceof Map<?, ?> map)) {
            found.add(path + ": must be an object");
            return;
        }
        Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        Object additional = schema.get("additionalProperties");
        boolean keepsUnknown = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (Map.Entry<?, ?> field : map.entrySet()) {
            String key = String.valueOf(field.getKey());
            if (properties.containsKey(key)) {
                check((Map<String, Object>) properties.get(key), field.getValue(), path + "." + key, found);
            } else if (additional instanceof Map<?, ?> valueSchema) {
                check((Map<String, Object>) valueSchema, field.getValue(), path + "." + key, found);
            } else if (!keepsUnknown) {
                found.add(path + "." + key + ": not in the schema");
            }
        }
        for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
            if (!map.containsKey(required)) {
                found.add(path + "." + required + ": required");
            }
        }
    }

    private static boolean matches(String pattern, String text) {
        try {
            return Pattern.compile(pattern).matcher(text).find();
        } catch (PatternSyntaxException e) {
            return true; // an ECMAScript construct Java does not know: the API server checks it
        }
    }
}
