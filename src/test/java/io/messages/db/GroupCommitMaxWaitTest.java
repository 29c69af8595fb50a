package io.messages.db;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import io.messages.testing.OnDatabase;
import io.messages.testing.Rows;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Group commit on SQLite with a max-wait (50 ms) and a wait for the turn (300 ms) shorter than a
 * held request: a batch open that long is committed by the next request to leave it, and a writer
 * that gives up waiting for the turn leaves the batch to the one that holds it.
 */
@OnDatabase(value = SQLITE, config = {"db.group-commit.max-wait=PT0.05S", "db.connection.dataSource.busy_timeout=300"})
class GroupCommitMaxWaitTest extends GroupCommitSuite {
    @Test
    void batchOpenForMaxWaitIsCommittedByTheNextRequestToLeave() throws Exception {
        Hold first = hold("first");
        Hold second = hold("second");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        CompletableFuture<HttpResponse<String>> next = queue("/test/hold?msg=second").getFirst();
        Thread.sleep(100);

        first.release().countDown();

        // The batch has been open longer than max-wait: "first" commits it instead of waiting
        // for "second", which is still held.
        assertThat(answer(holder), is("200 held first"));
        assertThat(next.isDone(), is(false));
        assertThat(Rows.values(engine), contains("first"));
        second.release().countDown();
        assertThat(answer(next), is("200 held second"));
    }

    @Test
    void writerGivingUpOnTheTurnLeavesNoBatchWithoutACommitter() throws Exception {
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        // Queued behind "first" (held for longer than busy_timeout), "second" gives up the wait:
        // the turn "first" passes on when released has nobody to go to, so "first" commits.
        CompletableFuture<HttpResponse<String>> second = queue("/record?msg=second").getFirst();
        assertThat(answer(second), startsWith("503 "));
        assertThat(engine.storage().writes().waiting(), is(0));

        first.release().countDown();

        assertThat(answer(holder), is("200 held first"));
        assertThat(Rows.values(engine), contains("first"));
        assertThat(answer(get("/record?msg=third")), is("200 Recorded: third"));
        assertThat(Rows.values(engine), contains("first", "third"));
    }
}
