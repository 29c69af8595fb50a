package io.messages.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * The rule for PostgreSQL migrations from V4 on (docs/operations.md, "Changing the schema"): an
 * index on {@code messages} is built {@code CONCURRENTLY} (a plain {@code CREATE INDEX} holds a
 * lock that stops every write while it runs: 2.3 s at 5 million messages, most of a startup
 * probe's budget at 50 million), which PostgreSQL runs only outside a transaction, so the script
 * says so to Flyway ({@code V<n>__name.sql.conf}: {@code executeInTransaction=false}). V2's index
 * predates the rule.
 */
class MigrationFilesTest {
    private static final Path POSTGRES = Path.of("src", "main", "resources", "db", "migration", "postgresql");
    private static final int RULE_FROM = 4;
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*\\.sql");
    private static final Pattern INDEX = Pattern.compile("(?is)CREATE\\s+(?:UNIQUE\\s+)?INDEX\\b(?!\\s+CONCURRENTLY)");

    @Test
    void everyIndexOfANewPostgresMigrationIsBuiltConcurrentlyOutsideATransaction() throws IOException {
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.list(POSTGRES)) {
            for (Path file : files.sorted().toList()) {
                Matcher version = VERSION.matcher(file.getFileName().toString());
                if (version.matches() && Integer.parseInt(version.group(1)) >= RULE_FROM) {
                    broken.addAll(problems(file.getFileName().toString(), Files.readString(file),
                                           conf(file)));
                }
            }
        }

        assertThat("PostgreSQL migrations that break the rule", broken, is(empty()));
    }

    @Test
    void theRuleCatchesAPlainIndexAndAConcurrentOneInATransaction() {
        assertThat(problems("V4__plain.sql", "CREATE INDEX messages_value ON messages (value);", ""),
                   contains("V4__plain.sql: CREATE INDEX without CONCURRENTLY"));
        assertThat(problems("V5__tx.sql", "create unique index concurrently x on messages (value);", ""),
                   contains("V5__tx.sql: CREATE INDEX CONCURRENTLY needs V5__tx.sql.conf with executeInTransaction=false"));
        assertThat(problems("V6__ok.sql", "CREATE INDEX CONCURRENTLY x ON messages (value);", "executeInTransaction=false"),
                   is(empty()));
    }

    static List<String> problems(String name, String sql, String conf) {
        List<String> problems = new ArrayList<>();
        String code = sql.replaceAll("--[^\\n]*", "");
        if (INDEX.matcher(code).find()) {
            problems.add(name + ": CREATE INDEX without CONCURRENTLY");
        }
        if (code.toUpperCase(Locale.ROOT).contains("CONCURRENTLY")
                && !conf.replace(" ", "").contains("executeInTransaction=false")) {
            problems.add(name + ": CREATE INDEX CONCURRENTLY needs " + name + ".conf with executeInTransaction=false");
        }
        return problems;
    }

    private static String conf(Path migration) throws IOException {
        Path conf = migration.resolveSibling(migration.getFileName() + ".conf");
        return Files.exists(conf) ? Files.readString(conf) : "";
    }
}
