import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.yaml.snakeyaml.Yaml;

/**
 * The monitoring's proof against real data (run by src/monitoring/check.sh; not part of the test
 * run). With the project's own libraries on the class path:
 *   java -cp 'target/libs/*' src/monitoring/MonitoringCheck.java rules ALERTS.yaml OUT.yaml
 *       writes the PrometheusRule's spec as a plain Prometheus rules file (for promtool)
 *   java -cp 'target/libs/*' src/monitoring/MonitoringCheck.java live PROMETHEUS_URL JOB DASHBOARD.json
 *           --rules ALERTS.yaml... --active ALERT... --not-live ALERT...
 *       evaluates every alert's expression (without its final comparison) of every ALERTS.yaml
 *       and every dashboard query ($job set to JOB) through Prometheus' HTTP API: each must
 *       return series, and an alert's each with the label namespace; then waits up to 60 s for
 *       each --active ALERT to be pending or firing (every active alert with its namespace).
 *       The --not-live alerts are not evaluated, and said so: their metrics cannot be scraped
 *       here. Each must be an alert of the rules, so that the list cannot hide a typo.
 */
public final class MonitoringCheck {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "rules" -> Files.writeString(Path.of(args[2]), new Yaml().dump(spec(Path.of(args[1]))));
            case "live" -> {
                Map<String, List<String>> options = options(List.of(args).subList(4, args.length));
                live(URI.create(args[1]), args[2], options.get("--rules").stream().map(Path::of).toList(),
                     Path.of(args[3]), options.get("--active"), options.get("--not-live"));
            }
            default -> throw new IllegalArgumentException("rules or live, not " + args[0]);
        }
    }

    private static Object spec(Path prometheusRule) throws IOException {
        Map<?, ?> rule = new Yaml().load(Files.readString(prometheusRule));
        return rule.get("spec");
    }

    // "--rules a b --active c": each flag's values, every flag present.
    private static Map<String, List<String>> options(List<String> args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (String flag : List.of("--rules", "--active", "--not-live")) {
            options.put(flag, new ArrayList<>());
        }
        List<String> current = null;
        for (String arg : args) {
            if (arg.startsWith("--")) {
                current = options.get(arg);
                if (current == null) {
                    throw new IllegalArgumentException("unknown option " + arg);
                }
            } else if (current == null) {
                throw new IllegalArgumentException("a value before any option: " + arg);
            } else {
                current.add(arg);
            }
        }
        return options;
    }

    private static void live(URI prometheus, String job, List<Path> alerts, Path dashboard, List<String> expected,
                             List<String> notLive) throws IOException, InterruptedException {
        Map<String, String> queries = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        Set<String> skipped = new TreeSet<>();
        for (Path file : alerts) {
            for (Map<?, ?> group : list(((Map<?, ?>) spec(file)).get("groups"))) {
                for (Map<?, ?> rule : list(group.get("rules"))) {
                    String name = rule.get("alert").toString();
                    if (notLive.contains(name)) {
                        skipped.add(name);
                        continue;
                    }
                    // "what > threshold": what must exist; whether it crosses is the unit tests' job.
                    String expr = rule.get("expr").toString().strip()
                            .replaceFirst("\\s*(>=|<=|==|!=|>|<)\\s*[0-9.eE+-]+$", "");
                    queries.put("alert " + name, expr);
                }
            }
        }
        for (String name : notLive) {
            if (!skipped.contains(name)) {
                failures.add("--not-live " + name + " is no alert of " + alerts);
            }
        }
        JsonObject board = Json.createReader(new StringReader(Files.readString(dashboard))).readObject();
        for (JsonValue panel : board.getJsonArray("panels")) {
            JsonObject p = panel.asJsonObject();
            if (p.containsKey("targets")) {
                for (JsonValue target : p.getJsonArray("targets")) {
                    JsonObject t = target.asJsonObject();
                    queries.put("panel " + p.getString("title") + " " + t.getString("refId"),
                                t.getString("expr").replace("$job", job));
                }
            }
        }
        for (Map.Entry<String, String> query : queries.entrySet()) {
            List<JsonValue> result = get(prometheus, "/api/v1/query?query="
                    + URLEncoder.encode(query.getValue(), StandardCharsets.UTF_8)).getJsonObject("data").getJsonArray("result");
            System.out.printf("%-40s %3d series  %s%n", query.getKey(), result.size(), query.getValue().replaceAll("\\s+", " "));
            if (result.isEmpty()) {
                failures.add(query.getKey() + " returned no series");
            }
            // Alertmanager groups, routes and inhibits by namespace: no alert may aggregate it away.
            if (query.getKey().startsWith("alert ")
                    && result.stream().anyMatch(r -> !r.asJsonObject().getJsonObject("metric").containsKey("namespace"))) {
                failures.add(query.getKey() + " returned series without the label namespace");
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> active = Set.of();
        while (System.nanoTime() < deadline) {
            active = activeAlerts(prometheus);
            if (active.containsAll(expected)) {
                break;
            }
            Thread.sleep(1000);
        }
        System.out.println("alerts pending or firing: " + active);
        for (String alert : expected) {
            if (!active.contains(alert)) {
                failures.add(alert + " is neither pending nor firing after the fault");
            }
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.out.println("FAILED: " + f));
            System.exit(1);
        }
        System.out.println("monitoring: " + queries.size() + " queries return series; " + expected + " active; not"
                           + " evaluated (their metrics cannot be scraped here): " + skipped);
    }

    private static Set<String> activeAlerts(URI prometheus) throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        for (JsonValue alert : get(prometheus, "/api/v1/alerts").getJsonObject("data").getJsonArray("alerts")) {
            JsonObject a = alert.asJsonObject();
            if (Set.of("pending", "firing").contains(a.getString("state"))) {
                JsonObject labels = a.getJsonObject("labels");
                if (!labels.containsKey("namespace")) {
                    throw new IllegalStateException("an alert without the label namespace: " + labels);
                }
                names.add(labels.getString("alertname"));
            }
        }
        return names;
    }

    private static JsonObject get(URI prometheus, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(prometheus.resolve(path)).build(),
                                                  HttpResponse.BodyHandlers.ofString());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        if (response.statusCode() != 200 || !"success".equals(body.getString("status", ""))) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return body;
    }

    private static List<Map<?, ?>> list(Object value) {
        List<Map<?, ?>> maps = new ArrayList<>();
        for (Object item : (List<?>) value) {
            maps.add((Map<?, ?>) item);
        }
        return maps;
    }
}
