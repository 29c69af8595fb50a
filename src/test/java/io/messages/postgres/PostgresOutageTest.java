package io.messages.postgres;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;
import io.messages.message.MessageStore;
import io.messages.testing.OnDatabase;
import io.messages.testing.Rows;
import io.messages.testing.TestService;
import io.messages.web.TransactionFilter;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.POSTGRES;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * A request that meets a pooled connection whose server backend was just terminated (as a
 * server restart or a failover does to every connection): made to happen on purpose, at each
 * point of the request, rather than by luck. Each answers 503 with {@code Retry-After}, stores
 * nothing, retires the dead connection, and the next request succeeds.
 */
@ServerTest
@OnDatabase(POSTGRES)
class PostgresOutageTest {
    private static final MessageStore STORE = new MessageStore();

    private final Engine engine;
    private final Http1Client client;

    PostgresOutageTest(TestService service, Http1Client client) {
        this.engine = service.engine();
        this.client = client;
    }

    @BeforeEach
    void emptyTable() {
        Rows.clear(engine);
    }

    // The production routing, then /test/terminated?at=...: the request's own backend is
    // terminated from another connection after the request began its transaction, then the
    // request goes on at that point.
    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        routing.get("/test/terminated", (req, res) -> {
            RequestTransaction tx = TransactionFilter.transactionOf(req);
            String at = req.query().get("at");
            switch (at) {
                case "read" -> {
                    terminateOwnBackend(service.engine(), tx);
                    STORE.page(tx, 0, 10);
                }
                case "statement" -> {
                    terminateOwnBackend(service.engine(), tx);
                    STORE.add(tx, "lost at statement");
                }
                case "commit" -> {
                    STORE.add(tx, "lost at commit");
                    terminateOwnBackend(service.engine(), tx);
                }
                default -> throw new IllegalArgumentException(at);
            }
            res.send("claimed success");
        });
    }

    private static void terminateOwnBackend(Engine engine, RequestTransaction tx) {
        long pid = tx.read().get("SELECT pg_backend_pid() AS pid").orElseThrow().column("pid").get(Number.class).longValue();
        // Waits (up to 5 s) until the backend is gone, so the request cannot outrun it.
        engine.client().execute().get("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000) AS done", pid);
    }

    @Test
    void readOnAConnectionTheServerJustTerminatedAnswers503AndTheNextRequestSucceeds() {
        assertAnswered503AndRecovers("read");
    }

    @Test
    void statementOnAConnectionTheServerJustTerminatedAnswers503AndTheNextRequestSucceeds() {
        assertAnswered503AndRecovers("statement");
    }

    @Test
    void commitOnAConnectionTheServerJustTerminatedAnswers503AndTheNextRequestSucceeds() {
        assertAnswered503AndRecovers("commit");
    }

    private void assertAnswered503AndRecovers(String at) {
        long retired = engine.pool().retired();

        ClientResponseTyped<String> res = client.get("/test/terminated").queryParam("at", at)
                .request(String.class);

        assertThat(res.status(), is(Status.SERVICE_UNAVAILABLE_503));
        assertThat(res.headers().first(HeaderNames.RETRY_AFTER).orElse(""), is("1"));
        assertThat(res.entity(), is("The database could not complete the request; nothing was stored. Try again later."));
        assertThat("the dead connection was retired", engine.pool().retired(), greaterThan(retired));
        assertThat(client.get("/record").queryParam("msg", "after").request(String.class).status(),
                   is(Status.OK_200));
        assertThat(Rows.values(engine), hasItem("after"));
        assertThat(Rows.values(engine), not(hasItem("lost at " + at)));
    }
}
