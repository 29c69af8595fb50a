package io.messages.db;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.messages.db.sqlite.GroupCommit;
import io.messages.testing.OnDatabase;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Group commit switched off on SQLite: every write is its own commit.
 */
@OnDatabase(value = SQLITE, config = "db.group-commit.enabled=false")
class GroupCommitOffTest extends GroupCommitSuite {
    @Test
    void withGroupCommitOffEveryWriteIsItsOwnCommit() throws Exception {
        assertThat((engine.storage().writes() instanceof GroupCommit), is(false));
        TransactionCounts before = engine.counts();
        List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(get("/record?msg=w" + i));
        }
        answers(writes);

        TransactionCounts after = engine.counts();
        assertThat(after.committed() - before.committed(), is(50L));
        assertThat(after.databaseCommits() - before.databaseCommits(), is(50L));
    }
}
