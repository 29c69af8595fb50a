package io.messages.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;
import io.messages.db.TransactionCounts;
import io.messages.message.MessageStore;
import io.messages.testing.CommitFailure;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The transaction-per-request contract, seen from HTTP: test-only routes beside the production
 * ones, all behind the production filter, on every database (a subclass each), in memory
 * ({@code @RoutingTest}): the filter commits before the first byte of the response whether or not
 * a socket carries it.
 */
@RoutingTest
abstract class TransactionFilterTest {
    private static final MessageStore STORE = new MessageStore();

    private TestDatabase database;
    private Engine engine;
    private Http1Client client;

    // Each test starts from an empty table.
    @BeforeEach
    void emptyTable(TestService service, Http1Client client) {
        this.database = service.database();
        this.engine = service.engine();
        this.client = client;
        CommitFailure.prepare(engine);
        Rows.clear(engine);
    }

    /** The production routing, then the test routes behind the same filters. */
    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        testRoutes(routing);
    }

    private static void testRoutes(HttpRouting.Builder routing) {
        routing.get("/test/throw", (req, res) -> {
                        STORE.add(TransactionFilter.transactionOf(req), "written, then the handler threw");
                        throw new IllegalStateException("handler failed with internal detail 42");
                    })
                    .get("/test/reject", (req, res) -> {
                        STORE.add(TransactionFilter.transactionOf(req), "written, then answered 4xx");
                        res.status(Status.CONFLICT_409).send("rejected after writing");
                    })
                    .get("/test/no-db", (req, res) -> res.send("no database here"))
                    .get("/test/bad-statement", (req, res) -> {
                        TransactionFilter.transactionOf(req).write().dml("INSERT INTO no_such_table VALUES (1)");
                        res.send("claimed success");
                    })
                    .get("/test/write-after-send", (req, res) -> {
                        res.send("sent");
                        try {
                            STORE.add(TransactionFilter.transactionOf(req), "too late");
                        } catch (IllegalStateException expected) {
                            // the transaction ended with the response
                        }
                    })
                    .get("/test/commit-fails", (req, res) -> {
                        RequestTransaction tx = TransactionFilter.transactionOf(req);
                        STORE.add(tx, "written, then the commit failed");
                        CommitFailure.plant(tx);
                        res.send("claimed success");
                    })
                    .get("/test/rollback-fails", (req, res) -> {
                        RequestTransaction tx = TransactionFilter.transactionOf(req);
                        STORE.add(tx, "written, then rolled back by hand");
                        // Ends the transaction behind the filter's back, so that (on SQLite) its
                        // rollback fails; PostgreSQL only warns.
                        tx.write().dml("ROLLBACK");
                        throw new HttpException("the first failure", Status.CONFLICT_409, true);
                    });
    }

    @Test
    void successfulRequestCommits() {
        TransactionCounts before = engine.counts();

        client.get("/record").queryParam("msg", "kept").request(String.class);

        assertThat(Rows.values(engine), contains("kept"));
        assertThat(engine.counts().committed(), is(before.committed() + 1));
    }

    @Test
    void exceptionInHandlerStoresNothingAndAnswers500WithoutInternals() {
        ClientResponseTyped<String> res = client.get("/test/throw").request(String.class);

        assertThat(res.status(), is(Status.INTERNAL_SERVER_ERROR_500));
        assertThat(res.entity(), containsString("nothing was stored"));
        assertThat(res.entity(), not(containsString("42")));
        assertThat(Rows.count(engine), is(0L));
    }

    @Test
    void handlerThatWritesThenAnswers4xxStoresNothing() {
        ClientResponseTyped<String> res = client.get("/test/reject").request(String.class);

        assertThat(res.status(), is(Status.CONFLICT_409));
        assertThat(res.entity(), is("rejected after writing"));
        assertThat(Rows.count(engine), is(0L));
    }

    @Test
    void failedCommitNeverAnswers2xx() {
        ClientResponseTyped<String> res = client.get("/test/commit-fails").request(String.class);

        // A constraint checked at commit is the request's own fault, not an outage: no Retry-After.
        assertThat(res.status(), is(Status.INTERNAL_SERVER_ERROR_500));
        assertThat(res.entity(), not(containsString("claimed success")));
        assertThat(res.entity(), containsString("nothing was stored"));
        assertThat(Rows.count(engine), is(0L));
    }

    @Test
    void statementThatFailsOnItsOwnAnswers500AndLeavesItsConnectionInThePool() {
        long retired = engine.pool().retired();

        ClientResponseTyped<String> res = client.get("/test/bad-statement").request(String.class);

        assertThat(res.status(), is(Status.INTERNAL_SERVER_ERROR_500));
        assertThat(res.headers().contains(HeaderNames.RETRY_AFTER), is(false));
        assertThat(res.entity(), not(containsString("no_such_table")));
        assertThat(Rows.count(engine), is(0L));
        assertThat("a failed statement leaves a usable connection", engine.pool().retired(), is(retired));
    }

    @Test
    void requestThatNeverTouchesTheDatabaseOpensNoTransaction() {
        long begun = engine.counts().begun();

        client.get("/test/no-db").requestEntity(String.class);
        client.get("/record").queryParam("msg", "").request(String.class);
        client.get("/no-such-path").request(String.class);

        assertThat(engine.counts().begun(), is(begun));
    }

    @Test
    void failedRollbackReportsTheFirstFailureAndRetiresItsConnection() {
        long retired = engine.pool().retired();

        ClientResponseTyped<String> res = client.get("/test/rollback-fails").request(String.class);

        assertThat(res.status(), is(Status.CONFLICT_409));
        assertThat(res.entity(), is("the first failure"));
        assertThat(Rows.count(engine), is(0L));
        // SQLite refuses the rollback (no transaction is active): that connection is not trusted
        // again. PostgreSQL only warns, so nothing failed there.
        assertThat(engine.pool().retired(), is(retired + (database == TestDatabase.SQLITE ? 1 : 0)));
        assertThat(client.get("/record").queryParam("msg", "next").request(String.class).status(), is(Status.OK_200));
    }

    @Test
    void writeTurnIsReleasedAfterEveryKindOfEnding() {
        client.get("/test/write-after-send").request(String.class);
        client.get("/test/throw").request(String.class);
        client.get("/test/reject").request(String.class);
        client.get("/test/commit-fails").request(String.class);
        client.get("/test/rollback-fails").request(String.class);

        // A turn still held would make this wait for the 5 s timeout and answer 503.
        ClientResponseTyped<String> res = client.get("/record").queryParam("msg", "after").request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(Rows.values(engine), contains("after"));
        assertThat(engine.counts().rolledBack(), greaterThanOrEqualTo(4L));
    }
}
