package io.messages.db;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.messages.testing.OnDatabase;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Group commit on SQLite with batches of at most two requests: a batch that is full is committed
 * without waiting for max-wait (longer here than any request is held).
 */
@OnDatabase(value = SQLITE, config = {"db.group-commit.max-batch=2", "db.group-commit.max-wait=PT1M"})
class GroupCommitMaxBatchTest extends GroupCommitSuite {
    @Test
    void batchIsCommittedWhenItHoldsMaxBatchRequests() throws Exception {
        long commitsBefore = engine.counts().databaseCommits();
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        List<CompletableFuture<HttpResponse<String>>> queued = queue("/record?msg=2", "/record?msg=3", "/record?msg=4");

        first.release().countDown();

        assertThat(answer(holder), is("200 held first"));
        assertThat(answers(queued), contains("200 Recorded: 2", "200 Recorded: 3", "200 Recorded: 4"));
        assertThat(engine.counts().databaseCommits() - commitsBefore, is(2L));
    }
}
