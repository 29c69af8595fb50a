package io.messages.db;

import java.nio.file.Path;
import java.util.Map;

import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Outside;
import io.messages.testing.Rows;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A commit mark proves that nothing was committed since it was taken, whoever commits (what lets
 * the listing cache skip its check while nobody writes); where the database cannot tell, it
 * proves nothing.
 */
class CommitMarkTest {

    @Test
    void onSqliteAMarkHoldsWhileOnlyReadsHappenAndNotAfterAnyCommit() throws Exception {
        Path db = TestConfig.tempDir().resolve("marks.db");
        try (Engine engine = Engine.open(TestConfig.sqlite(db, Map.of()).get("db"))) {
            engine.client().execute().namedGet("insert-message", "a");
            CommitMark mark = engine.storage().commitMark();
            Rows.values(engine);
            Outside.execute(engine, "SELECT count(*) FROM messages");
            assertThat("after reads only", engine.storage().unchangedSince(mark), is(true));

            engine.client().execute().namedGet("insert-message", "b");
            assertThat("after the service's own commit", engine.storage().unchangedSince(mark), is(false));

            CommitMark beforeOutside = engine.storage().commitMark();
            Outside.execute(engine, "DELETE FROM messages WHERE value = 'a'");
            assertThat("after another connection's delete", engine.storage().unchangedSince(beforeOutside), is(false));

            CommitMark beforeCheckpoint = engine.storage().commitMark();
            Outside.execute(engine, "PRAGMA wal_checkpoint(TRUNCATE)");
            Outside.execute(engine, "UPDATE messages SET value = 'B' WHERE value = 'b'");
            assertThat("after a checkpoint restarted the WAL, then an update", engine.storage().unchangedSince(beforeCheckpoint),
                       is(false));

            CommitMark beforeProcess = engine.storage().commitMark();
            assertThat(engine.storage().unchangedSince(beforeProcess), is(true));
            Outside.executeInAnotherProcess(engine, "INSERT INTO messages (value) VALUES ('from sqlite3')");
            assertThat("after another process's insert", engine.storage().unchangedSince(beforeProcess), is(false));
        }
    }

    @Test
    void onPostgresAMarkProvesNothing() {
        try (Engine engine = Engine.open(
                TestConfig.postgres(EmbeddedPostgresServer.newDatabase(), Map.of()).get("db"))) {
            CommitMark mark = engine.storage().commitMark();

            assertThat(engine.storage().unchangedSince(mark), is(false));
        }
    }
}
