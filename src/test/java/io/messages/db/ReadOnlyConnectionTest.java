package io.messages.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.messages.testing.Rows;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SQLite opens a database it cannot open for writing read-only, silently, and the connection
 * stays read-only after the storage is writable again. A pool that refilled while the storage was
 * read-only must not keep such connections: each is retired at its first refused write, so writes
 * come back once the storage does (the flake this replaces: now and then, on a loaded CI, writes
 * never came back after read-only storage recovered).
 */
class ReadOnlyConnectionTest {

    @Test
    void connectionsOpenedWhileTheStorageWasReadOnlyAreRetiredSoWritesComeBackWithIt() throws Exception {
        Path dir = TestConfig.tempDir().resolve("data");
        Path db = dir.resolve("m.db");
        int size = 2;
        Map<String, String> pool = Map.of("db.connection.maximumPoolSize", String.valueOf(size),
                                          "db.connection.minimumIdle", String.valueOf(size));
        try (Engine engine = Engine.open(TestConfig.sqlite(db, pool).get("db"))) {
            engine.client().execute().namedGet("insert-message", "before");
            List<Path> readOnly = List.of(dir, db, dir.resolve("m.db-wal"));
            assumeTrue(readOnly.stream().allMatch(path -> SqliteFile.chattr("+i", path)),
                       "chattr +i is not supported here");
            HikariPoolMXBean figures = engine.pool().figures();
            try {
                // What a storage fault can leave: a pool refilled while nothing could be opened for writing.
                figures.softEvictConnections();
                assertThat("the pool refilled", Writers.await(
                        () -> figures.getTotalConnections() == size && figures.getIdleConnections() == size,
                        Duration.ofSeconds(30)), is(true));
                assertThat("refused while read-only", inserted(engine, "during"), is(false));
            } finally {
                readOnly.forEach(path -> SqliteFile.chattr("-i", path));
            }

            int attempts = 1;
            while (!inserted(engine, "after")) {
                assertThat("a write refused by each read-only connection at most", attempts++,
                           lessThanOrEqualTo(size + 1));
            }
            for (int i = 0; i < 4 * size; i++) {
                assertThat("every connection writes again", inserted(engine, "later-" + i), is(true));
            }
            assertThat(Rows.values(engine).subList(0, 2), is(List.of("before", "after")));
        }
    }

    private static boolean inserted(Engine engine, String value) {
        try {
            engine.client().execute().namedGet("insert-message", value);
            return true;
        } catch (RuntimeException refused) {
            return false;
        }
    }
}
