package io.messages.db;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.messages.testing.OnDatabase;
import io.messages.testing.Rows;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * Group commit on SQLite keeps the contract of one transaction per request. Each test forms a
 * batch on purpose ({@link GroupCommitSuite}); a batch is committed once it has been open for
 * max-wait, so that is longer here than any request is held. The limits of a batch, and group
 * commit switched off, have suites of their own: {@link GroupCommitMaxBatchTest},
 * {@link GroupCommitMaxWaitTest}, {@link GroupCommitOffTest}.
 */
@OnDatabase(value = SQLITE, config = "db.group-commit.max-wait=PT1M")
class GroupCommitTest extends GroupCommitSuite {
    @Test
    void failingRequestRollsBackAloneWhileItsBatchMatesCommitTogether() throws Exception {
        TransactionCounts before = engine.counts();
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        List<CompletableFuture<HttpResponse<String>>> queued = queue(
                "/record?msg=second", "/test/reject?msg=rejected", "/record?msg=third");

        first.release().countDown();

        assertThat(answer(holder), is("200 held first"));
        assertThat(answers(queued), contains("200 Recorded: second", "409 rejected after writing", "200 Recorded: third"));
        assertThat(Rows.values(engine), containsInAnyOrder("first", "second", "third"));
        TransactionCounts after = engine.counts();
        assertThat(after.committed() - before.committed(), is(3L));
        assertThat(after.rolledBack() - before.rolledBack(), is(1L));
        assertThat("one commit for the whole batch", after.databaseCommits() - before.databaseCommits(), is(1L));
    }

    @Test
    void failedBatchCommitAnswers503ToEveryRequestInItAndStoresNone() throws Exception {
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        List<CompletableFuture<HttpResponse<String>>> queued = queue(
                "/record?msg=second", "/test/commit-fails?msg=breaks-the-commit", "/record?msg=third");

        first.release().countDown();

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(List.of(holder));
        all.addAll(queued);
        for (String answer : answers(all)) {
            assertThat(answer, is("503 The database could not complete the request; nothing was stored. Try again later."));
        }
        assertThat(Rows.values(engine), is(empty()));
        // The next batch starts clean.
        assertThat(answer(get("/record?msg=after")), is("200 Recorded: after"));
        assertThat(Rows.values(engine), contains("after"));
    }

    @Test
    void noResponseIsSentBeforeTheCommitHoldingItsWork() throws Exception {
        Hold first = hold("first");
        Hold last = hold("last");
        long commitsBefore = engine.counts().databaseCommits();
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        CompletableFuture<HttpResponse<String>> middle = queue("/record?msg=middle").getFirst();
        CompletableFuture<HttpResponse<String>> closer = queue("/test/hold?msg=last").getFirst();

        first.release().countDown();
        // "last" holds the turn now, so "middle" has written, passed the turn on and waits for
        // the batch's commit, which "last" holds up.
        awaitWritten(last);
        Thread.sleep(300);

        assertThat("answered before its commit", middle.isDone(), is(false));
        assertThat(holder.isDone(), is(false));
        assertThat("visible before its commit", Rows.values(engine), is(empty()));
        assertThat(engine.counts().databaseCommits(), is(commitsBefore));

        last.release().countDown();

        assertThat(answer(middle), is("200 Recorded: middle"));
        assertThat(answer(holder), is("200 held first"));
        assertThat(answer(closer), is("200 held last"));
        assertThat(Rows.values(engine), containsInAnyOrder("first", "middle", "last"));
        assertThat(engine.counts().databaseCommits(), is(commitsBefore + 1));
    }

    @Test
    void requestThatReadFirstKeepsItsOwnTransactionAndCannotWriteOverWhatItDidNotSee() throws Exception {
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        // Reads before "first" is committed, then waits for the write turn.
        CompletableFuture<HttpResponse<String>> reader = queue("/test/read-then-write?msg=stale").getFirst();

        first.release().countDown();

        // Its write would follow a commit its read did not see: SQLite refuses it, as it would
        // without group commit, and the batch it waited for is kept.
        assertThat(answer(reader), startsWith("503 "));
        assertThat(answer(holder), is("200 held first"));
        assertThat(Rows.values(engine), contains("first"));
        assertThat(answer(get("/test/read-then-write?msg=fresh")), is("200 wrote after seeing 1"));
        assertThat(Rows.values(engine), contains("first", "fresh"));
    }

    @Test
    void concurrentWritersShareCommits() throws Exception {
        TransactionCounts before = engine.counts();
        List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add(get("/record?msg=w" + i));
        }
        for (String answer : answers(writes)) {
            assertThat(answer, startsWith("200 Recorded: w"));
        }
        TransactionCounts after = engine.counts();
        assertThat(after.committed() - before.committed(), is(200L));
        assertThat(after.databaseCommits() - before.databaseCommits(), lessThan(200L));
        assertThat(Rows.count(engine), is(200L));
    }
}
