package io.messages.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * The reference tables of the docs against what they describe, so that they cannot drift: every
 * key of {@code config/application.yaml} in the configuration table of docs/operations.md and
 * back, every meter of the service's own in its metrics table, every class and test a doc names,
 * and docs/design.md's layout against the source tree.
 */
class DocsTest {
    private static final Path OPERATIONS = Path.of("docs", "operations.md");
    private static final Path MAIN = Path.of("src", "main", "java", "io", "messages");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everyConfigKeyIsInTheConfigurationTableAndEveryKeyThereIsInTheFile() throws IOException {
        String yaml = Files.readString(AppConfig.DEFAULT_FILE);
        Config config = Config.builder(ConfigSources.file(AppConfig.DEFAULT_FILE))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
        Set<String> documented = documentedKeys(table(read(OPERATIONS), "## Configuration"));
        Set<String> keys = config.traverse().filter(node -> node.isLeaf() || node.type() == Config.Type.LIST)
                .map(node -> node.key().toString()).collect(Collectors.toCollection(TreeSet::new));

        List<String> undocumented = keys.stream().filter(key -> !covered(key, documented)).toList();
        // A key the file only names in a comment (a credential, an optional endpoint) counts as there.
        List<String> unknown = documented.stream()
                .filter(key -> !key.endsWith(".*") && !keys.contains(key) && keys.stream().noneMatch(k -> k.startsWith(key + "."))
                        && !yaml.contains(key.substring(key.lastIndexOf('.') + 1)))
                .toList();

        assertThat("keys of config/application.yaml missing from docs/operations.md#configuration", undocumented, is(empty()));
        assertThat("keys in docs/operations.md#configuration that config/application.yaml does not have", unknown, is(empty()));
    }

    @Test
    void everyMeterOfTheServicesOwnIsInTheMetricsTable() throws Exception {
        Path db = TestConfig.tempDir().resolve("data").resolve("messages.db");
        Service service = Main.start(TestConfig.sqlite(db, Map.of("messages.access-log.enabled", "true",
                                                                  "db.backup.directory", db.getParent().resolveSibling("backup").toString())));
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/record?msg=docs", "/", "/")) {
                http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path)).build(),
                          HttpResponse.BodyHandlers.discarding());
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.server().port("admin")
                                                                                 + "/observe/metrics")).build(),
                                       HttpResponse.BodyHandlers.ofString()).body();
            Set<String> documented = documentedMeters(table(read(OPERATIONS), "| metric |"));
            Set<String> exported = metrics.lines().filter(line -> line.startsWith("messages_"))
                    .map(line -> line.replaceAll("[{ ].*", "")).collect(Collectors.toCollection(TreeSet::new));

            List<String> undocumented = exported.stream().filter(name -> !documented.contains(name)).toList();

            assertThat("meters exported but missing from docs/operations.md's metrics table", undocumented, is(empty()));
        } finally {
            service.stop();
        }
    }

    @Test
    void everyClassAndTestTheDocsNameExists() throws IOException {
        Pattern classRef = Pattern.compile("\\b((?:app|db|http|listing|message|ops|tracing|web)(?:/[a-z]+)*)/([A-Z][A-Za-z0-9]+)\\b");
        // A test class (not Helidon's @ServerTest or @RoutingTest), and maybe one of its methods.
        Pattern testRef = Pattern.compile("(?<![@A-Za-z])([A-Z][a-z][A-Za-z0-9]*(?:Test|IT))(?:\\.([a-z][A-Za-z0-9]+))?\\b");
        List<String> missing = new ArrayList<>();
        for (Path doc : docs()) {
            String text = read(doc);
            Matcher classes = classRef.matcher(text);
            while (classes.find()) {
                if (!Files.exists(MAIN.resolve(classes.group(1)).resolve(classes.group(2) + ".java"))) {
                    missing.add(doc + ": " + classes.group());
                }
            }
            Matcher tests = testRef.matcher(text);
            while (tests.find()) {
                Path test = testSource(tests.group(1));
                if (test == null) {
                    missing.add(doc + ": " + tests.group(1));
                } else if (tests.group(2) != null && !Set.of("java", "kt").contains(tests.group(2))
                        && !declares(test, tests.group(2))) {
                    missing.add(doc + ": " + tests.group());
                }
            }
        }

        assertThat("classes and tests the docs name that do not exist", missing, is(empty()));
    }

    @Test
    void theLayoutInTheDesignDocListsEveryClassOfEveryPackage() throws IOException {
        String layout = read(Path.of("docs", "design.md"));
        layout = layout.substring(layout.indexOf("## Layout"));
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> packages = Files.walk(MAIN)) {
            for (Path dir : packages.filter(Files::isDirectory).filter(dir -> !dir.equals(MAIN)).sorted().toList()) {
                Set<String> files = classes(dir);
                String name = MAIN.relativize(dir).toString().replace('\\', '/');
                Matcher entry = Pattern.compile("(?m)^  " + Pattern.quote(name) + "/ +((?:.*\\n)(?: {12}.*\\n)*)").matcher(layout);
                Set<String> listed = new TreeSet<>();
                if (entry.find()) {
                    Matcher names = Pattern.compile("\\b[A-Z][a-z][A-Za-z0-9]*\\b").matcher(entry.group(1));
                    while (names.find()) {
                        listed.add(names.group());
                    }
                }
                Set<String> absent = new TreeSet<>(files);
                absent.removeAll(listed);
                Set<String> gone = new TreeSet<>(listed);
                gone.removeAll(files);
                if (!absent.isEmpty() || !gone.isEmpty()) {
                    wrong.add(name + "/: not listed " + absent + ", listed but not there " + gone);
                }
            }
        }

        assertThat("docs/design.md#layout against src/main/java/io/messages", wrong, is(empty()));
    }

    @Test
    void everyLinkBetweenTheDocsReachesAFileAndAHeadingThatExist() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)\\s]*?)(?:#([^)\\s]+))?\\)");
        List<String> dead = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher links = link.matcher(read(doc));
            while (links.find()) {
                String file = links.group(1);
                if (file.startsWith("http") || file.startsWith("mailto:")) {
                    continue;
                }
                Path target = file.isEmpty() ? doc : doc.resolveSibling(file).normalize();
                if (!Files.exists(target)) {
                    dead.add(doc + ": " + links.group());
                } else if (links.group(2) != null && target.toString().endsWith(".md")
                        && !anchors(read(target)).contains(links.group(2))) {
                    dead.add(doc + ": " + links.group());
                }
            }
        }

        assertThat("links to files or headings that do not exist", dead, is(empty()));
    }

    // GitHub's anchors of a markdown file's headings: lower case, punctuation dropped, spaces to dashes.
    private static Set<String> anchors(String markdown) {
        return markdown.lines().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").strip().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    // The rows of the markdown table that follows the line starting with heading.
    private static List<String> table(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(heading + " in the doc", at >= 0, is(true));
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : doc.substring(at).lines().toList()) {
            if (line.startsWith("|")) {
                inTable = true;
                rows.add(line);
            } else if (inTable) {
                break;
            }
        }
        return rows.subList(2, rows.size());
    }

    // `a.b.c`, `a.b.c` / `d` (a sibling of c), `a.b.*` (everything under a.b), in each row's first cell.
    private static Set<String> documentedKeys(List<String> rows) {
        Set<String> keys = new TreeSet<>();
        for (String row : rows) {
            String cell = row.split("\\|")[1];
            String first = null;
            int after = 0;
            Matcher code = CODE.matcher(cell);
            while (code.find()) {
                String key = code.group(1);
                if (first == null) {
                    first = key;
                    keys.add(key);
                } else if (!key.contains(".") && cell.substring(after, code.start()).strip().equals("/")) {
                    keys.add(first.substring(0, first.lastIndexOf('.') + 1) + key);
                }
                after = code.end();
            }
        }
        return keys;
    }

    // `name`, `name` / `_suffix` (name's stem with another ending), `name`, `other`, in each row's first cell.
    private static Set<String> documentedMeters(List<String> rows) {
        Set<String> names = new TreeSet<>();
        for (String row : rows) {
            String cell = row.split("\\|")[1];
            String first = null;
            Matcher code = CODE.matcher(cell);
            while (code.find()) {
                String name = code.group(1);
                if (first == null || name.startsWith("messages_")) {
                    first = name;
                    names.add(name);
                } else if (name.startsWith("_")) {
                    String stem = first.replaceAll("_(total|seconds|bytes|open)$", "");
                    names.add(stem + name);
                }
            }
        }
        return names;
    }

    private static boolean covered(String key, Set<String> documented) {
        for (String doc : documented) {
            String base = doc.endsWith(".*") ? doc.substring(0, doc.length() - 2) : doc;
            if (key.equals(base) || key.startsWith(base + ".")) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static Set<String> classes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".java") && !name.equals("package-info.java"))
                    .map(name -> name.substring(0, name.length() - 5))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Path testSource(String name) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "test"))) {
            return files.filter(p -> p.getFileName().toString().equals(name + ".java")
                    || p.getFileName().toString().equals(name + ".kt")).findFirst().orElse(null);
        }
    }

    // Whether the test class (or the suite it extends) declares the method.
    private static boolean declares(Path test, String method) throws IOException {
        String source = Files.readString(test);
        if (source.contains(" " + method + "(")) {
            return true;
        }
        Matcher parent = Pattern.compile("extends (\\w+)").matcher(source);
        if (parent.find()) {
            Path suite = testSource(parent.group(1));
            return suite != null && declares(suite, method);
        }
        return false;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
