package io.messages.db;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.messages.db.sqlite.GroupCommit;
import io.messages.db.sqlite.WriteGate;
import io.messages.testing.OnDatabase;
import io.messages.testing.Rows;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Group commit on SQLite with a max-wait (50 ms) shorter than a held request: a batch open that
 * long is committed by the next request to leave it, or by a member left waiting for it.
 */
@OnDatabase(value = SQLITE, config = "db.group-commit.max-wait=PT0.05S")
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
    void batchLeftWithoutACommitterIsCommittedByAMemberWaitingForIt() throws Exception {
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        // A writer that takes the turn "first" passes on, then gives it up without touching the
        // batch (as one whose wait for the turn timed out at that very moment would).
        CountDownLatch passedOn = new CountDownLatch(1);
        WriteGate gate = ((GroupCommit) engine.storage().writes()).gate();
        Thread.ofVirtual().start(() -> {
            gate.enter();
            passedOn.countDown();
            gate.leave();
        });
        while (engine.storage().writes().waiting() == 0) {
            Thread.sleep(5);
        }

        first.release().countDown();

        assertThat(passedOn.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(answer(holder), is("200 held first"));
        assertThat(Rows.values(engine), contains("first"));
    }
}
