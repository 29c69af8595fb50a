package io.messages.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * The house's rooms, kept so by the sources themselves: what differs by database is asked in
 * the storage packages only, the database layer knows nothing of the web, the warm-up's
 * rehearsal is known to two files, and no file grows past what one reads at once
 * (docs/design.md, "Layout").
 */
class StructureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "io", "messages");
    // How code tells one database from another: the kind's names and URLs, the single writer, a
    // SQLite file behind the URL, or the type of a storage.
    private static final Pattern ASKS_WHICH_DATABASE = Pattern.compile(
            "singleWriter\\(\\)|location\\(\\)\\.file\\(\\)|\\.kind\\(\\)\\.equals|\"(?:sqlite|postgresql)\"|jdbc:(?:sqlite|postgresql)"
                    + "|instanceof (?:Sqlite|Server)(?:Storage|Kind)");

    @Test
    void onlyTheStoragePackagesAndTheKindsChoiceAskWhichDatabaseItIs() throws IOException {
        // Where the choice is made (StorageKind.of), and what a URL says (DatabaseLocation). The AOT
        // cache's training run chooses a SQLite file of its own: it asks nothing.
        Set<String> allowed = Set.of("db/StorageKind.java", "db/DatabaseLocation.java", "app/Training.java");
        List<String> asking = sources()
                .filter(file -> !file.startsWith("db/sqlite/") && !file.startsWith("db/server/") && !allowed.contains(file))
                .filter(file -> ASKS_WHICH_DATABASE.matcher(code(file)).find())
                .toList();

        assertThat(asking, is(empty()));
    }

    @Test
    void theMatcherFindsTheQuestionWhereItIsAsked() throws IOException {
        List<String> asking = sources().filter(file -> ASKS_WHICH_DATABASE.matcher(code(file)).find()).toList();

        assertThat(asking, hasItem("db/StorageKind.java"));
    }

    @Test
    void theDatabaseLayerImportsNothingOfTheWebServerNorOfWhatServesRequests() throws IOException {
        Pattern web = Pattern.compile("(?m)^import (?:static )?io\\.(?:helidon\\.webserver|messages\\.(?:web|http|message|listing|ops|app))\\.");
        List<String> importing = sources().filter(file -> file.startsWith("db/"))
                .filter(file -> web.matcher(read(file)).find())
                .toList();

        assertThat(importing, is(empty()));
    }

    @Test
    void theRoutesImportNothingOfTheFrontDoor() throws IOException {
        List<String> importing = sources().filter(file -> file.startsWith("message/"))
                .filter(file -> read(file).contains("import io.messages.http."))
                .toList();

        assertThat(importing, is(empty()));
    }

    @Test
    void theWarmUpsRehearsalIsKnownToTheWarmUpAndMainOnly() throws IOException {
        List<String> knowing = sources().filter(file -> read(file).toLowerCase().contains("rehearsal")).toList();

        assertThat(Set.copyOf(knowing), is(Set.of("ops/WarmUp.java", "app/Main.java")));
    }

    @Test
    void noSourceFileIsLongerThan300LinesButTheFramingParser() throws IOException {
        Map<String, Long> allowed = Map.of("http/RequestFraming.java", 600L);
        List<String> longer = sources()
                .filter(file -> read(file).lines().count() > allowed.getOrDefault(file, 300L))
                .map(file -> file + ": " + read(file).lines().count() + " lines")
                .toList();

        assertThat(longer, is(empty()));
    }

    // Every source file under src/main, as a path from io/messages with forward slashes.
    private static Stream<String> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .map(file -> MAIN.relativize(file).toString().replace('\\', '/'))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    // The file without its comments: a comment may name a database; code that does, asks.
    private static String code(String file) {
        return read(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    private static String read(String file) {
        try {
            return Files.readString(MAIN.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
