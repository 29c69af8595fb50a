package io.messages.db;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.messages.message.MessageStore;
import io.messages.testing.CommitFailure;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestServers;
import io.messages.testing.TestServers.Served;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * Group commit on SQLite keeps the contract of one transaction per request. Each test forms a
 * batch on purpose: a request that writes and then holds the write turn (a test route waiting
 * for a latch) lets the next requests queue behind it; released, they all run in one batch.
 */
class GroupCommitTest {
    private static final MessageStore STORE = new MessageStore();
    private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Served served;
    private Engine engine;

    /** A held request: it signals once it has written, and answers once released. */
    private record Hold(CountDownLatch wrote, CountDownLatch release) {
        Hold() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    @BeforeEach
    void emptyTable() {
        // A batch is committed once it has been open for max-wait; held requests take longer.
        use("group-commit", Map.of("db.group-commit.max-wait", "PT1M"));
    }

    // Talks to the suite's server with these group-commit settings, its table emptied.
    private void use(String suite, Map<String, String> settings) {
        served = TestServers.of(suite, TestDatabase.SQLITE, settings, GroupCommitTest::testRoutes);
        engine = served.engine();
        CommitFailure.prepare(engine);
        Rows.clear(engine);
    }

    private static void testRoutes(HttpRouting.Builder routing) {
        routing.get("/test/hold", (req, res) -> {
                    String msg = req.query().get("msg");
                    Hold hold = HOLDS.get(msg);
                    STORE.add(RequestTransaction.of(req), msg);
                    hold.wrote().countDown();
                    if (!hold.release().await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    res.send("held " + msg);
                })
                .get("/test/reject", (req, res) -> {
                    STORE.add(RequestTransaction.of(req), req.query().get("msg"));
                    res.status(Status.CONFLICT_409).send("rejected after writing");
                })
                .get("/test/read-then-write", (req, res) -> {
                    RequestTransaction tx = RequestTransaction.of(req);
                    int seen = STORE.list(tx).size();
                    STORE.add(tx, req.query().get("msg"));
                    res.send("wrote after seeing " + seen);
                })
                .get("/test/commit-fails", (req, res) -> {
                    RequestTransaction tx = RequestTransaction.of(req);
                    STORE.add(tx, req.query().get("msg"));
                    CommitFailure.plant(tx); // fails the whole batch
                    res.send("claimed success");
                });
    }

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
    void batchIsCommittedWhenItHoldsMaxBatchRequests() throws Exception {
        use("group-commit-pairs", Map.of("db.group-commit.max-batch", "2", "db.group-commit.max-wait", "PT1M"));
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

    @Test
    void batchOpenForMaxWaitIsCommittedByTheNextRequestToLeave() throws Exception {
        use("group-commit-quick", Map.of("db.group-commit.max-wait", "PT0.05S"));
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
        use("group-commit-quick", Map.of("db.group-commit.max-wait", "PT0.05S"));
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        // A writer that takes the turn "first" passes on, then gives it up without touching the
        // batch (as one whose wait for the turn timed out at that very moment would).
        CountDownLatch passedOn = new CountDownLatch(1);
        WriteGate gate = ((GroupCommit) engine.writes()).gate();
        Thread.ofVirtual().start(() -> {
            gate.enter();
            passedOn.countDown();
            gate.leave();
        });
        while (engine.writersWaiting() == 0) {
            Thread.sleep(5);
        }

        first.release().countDown();

        assertThat(passedOn.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), is(true));
        assertThat(answer(holder), is("200 held first"));
        assertThat(Rows.values(engine), contains("first"));
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

    @Test
    void withGroupCommitOffEveryWriteIsItsOwnCommit() throws Exception {
        use("group-commit-off", Map.of("db.group-commit.enabled", "false"));
        assertThat(engine.groupsCommits(), is(false));
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

    private static Hold hold(String msg) {
        Hold hold = new Hold();
        HOLDS.put(msg, hold);
        return hold;
    }

    private static void awaitWritten(Hold hold) throws InterruptedException {
        assertThat("the held request wrote", hold.wrote().await(PATIENCE.toSeconds(), TimeUnit.SECONDS), is(true));
    }

    /** Sends each request once the one before it waits for the write turn, so that they queue in order. */
    private List<CompletableFuture<HttpResponse<String>>> queue(String... paths) throws InterruptedException {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (String path : paths) {
            int waiting = engine.writersWaiting();
            sent.add(get(path));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (engine.writersWaiting() <= waiting) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(path + " never queued for the write turn");
                }
                Thread.sleep(5);
            }
        }
        return sent;
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + served.port() + path))
                .timeout(PATIENCE)
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    private static String answer(CompletableFuture<HttpResponse<String>> response) throws Exception {
        HttpResponse<String> res = response.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return res.statusCode() + " " + res.body();
    }

    private static List<String> answers(List<CompletableFuture<HttpResponse<String>>> responses) throws Exception {
        List<String> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            answers.add(answer(response));
        }
        return answers;
    }
}
