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
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.message.MessageStore;
import io.messages.testing.CommitFailure;
import io.messages.testing.Rows;
import io.messages.testing.TestService;
import io.messages.web.TransactionFilter;

import org.junit.jupiter.api.BeforeEach;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Group commit on SQLite keeps the contract of one transaction per request: what its suites share,
 * one suite a group-commit configuration (Helidon starts one server per test class). Each test
 * forms a batch on purpose: a request that writes and then holds the write turn (a test route
 * waiting for a latch) lets the next requests queue behind it; released, they all run in one
 * batch. Requests go with Java's HTTP client to the suite's server; each test starts from an
 * empty table.
 */
@ServerTest
abstract class GroupCommitSuite {
    /** How long anything here waits: a request held longer fails. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final MessageStore STORE = new MessageStore();
    private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The suite's database. */
    Engine engine;
    private URI uri;

    /** A held request: it signals once it has written, and answers once released. */
    record Hold(CountDownLatch wrote, CountDownLatch release) {
        Hold() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    @BeforeEach
    void emptyTable(TestService service, URI uri) {
        this.engine = service.engine();
        this.uri = uri;
        CommitFailure.prepare(engine);
        Rows.clear(engine);
    }

    /** The production routing, then the test routes behind the same filters. */
    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        routing.get("/test/hold", (req, res) -> {
                    String msg = req.query().get("msg");
                    Hold hold = HOLDS.get(msg);
                    STORE.add(TransactionFilter.transactionOf(req), msg);
                    hold.wrote().countDown();
                    if (!hold.release().await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    res.send("held " + msg);
                })
                .get("/test/reject", (req, res) -> {
                    STORE.add(TransactionFilter.transactionOf(req), req.query().get("msg"));
                    res.status(Status.CONFLICT_409).send("rejected after writing");
                })
                .get("/test/read-then-write", (req, res) -> {
                    RequestTransaction tx = TransactionFilter.transactionOf(req);
                    int seen = STORE.list(tx).size();
                    STORE.add(tx, req.query().get("msg"));
                    res.send("wrote after seeing " + seen);
                })
                .get("/test/commit-fails", (req, res) -> {
                    RequestTransaction tx = TransactionFilter.transactionOf(req);
                    STORE.add(tx, req.query().get("msg"));
                    CommitFailure.plant(tx); // fails the whole batch
                    res.send("claimed success");
                });
    }

    /** A hold for the request that records {@code msg} through {@code /test/hold}. */
    static Hold hold(String msg) {
        Hold hold = new Hold();
        HOLDS.put(msg, hold);
        return hold;
    }

    static void awaitWritten(Hold hold) throws InterruptedException {
        assertThat("the held request wrote", hold.wrote().await(PATIENCE.toSeconds(), TimeUnit.SECONDS), is(true));
    }

    /** Sends each request once the one before it waits for the write turn, so that they queue in order. */
    List<CompletableFuture<HttpResponse<String>>> queue(String... paths) throws InterruptedException {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (String path : paths) {
            int waiting = engine.storage().writes().waiting();
            sent.add(get(path));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (engine.storage().writes().waiting() <= waiting) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(path + " never queued for the write turn");
                }
                Thread.sleep(5);
            }
        }
        return sent;
    }

    CompletableFuture<HttpResponse<String>> get(String path) {
        HttpRequest req = HttpRequest.newBuilder(uri.resolve(path))
                .timeout(PATIENCE)
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    /** Status and body, separated by a space. */
    static String answer(CompletableFuture<HttpResponse<String>> response) throws Exception {
        HttpResponse<String> res = response.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return res.statusCode() + " " + res.body();
    }

    static List<String> answers(List<CompletableFuture<HttpResponse<String>>> responses) throws Exception {
        List<String> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            answers.add(answer(response));
        }
        return answers;
    }
}
