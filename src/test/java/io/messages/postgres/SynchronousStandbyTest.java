package io.messages.postgres;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Http;
import io.messages.testing.TestConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/**
 * A synchronous standby that does not answer (gone, partitioned, its disk full): PostgreSQL holds
 * every commit until one does, and does not time that wait. Each write is answered 503 at the
 * statement bound (3.3 s of a socketTimeout of 4 s), saying that it may have been stored (it is,
 * on the primary); no backend is left waiting on the server, no connection is retired, reads go
 * on; writes are confirmed again once a standby answers, without a restart. Before the bound,
 * every write left a backend waiting until the server's max_connections (20 here) refused
 * everyone. A PostgreSQL of its own: the shared one's commits must not wait.
 */
class SynchronousStandbyTest {
    private static final int WAVES = 2;
    private static final int REQUESTS = 8;
    private static final String UNCONFIRMED =
            "The database did not confirm the request in time; it may have been stored. Check before trying again.";

    @Test
    void writesWhileNoStandbyAnswersAre503AtTheBoundWithoutLeavingBackendsWaitingAndReadsGoOn() throws Exception {
        try (EmbeddedPostgres postgres = start(); Connection observer = postgres.getPostgresDatabase().getConnection()) {
            Service service = start(postgres);
            try {
                assertThat(Http.get(service.port(), "/record?msg=before").statusCode(), is(200));
                long retired = service.engine().pool().retired();
                standbyRequired(postgres, observer, true);

                List<HttpResponse<String>> answers = new ArrayList<>();
                List<Long> waiting = new ArrayList<>();
                List<Integer> reads = new ArrayList<>();
                for (int wave = 0; wave < WAVES; wave++) {
                    answers.addAll(Http.getAtOnce(service.port(), "/record?msg=unconfirmed", REQUESTS));
                    waiting.add(backendsWaitingForAStandby(observer));
                    reads.add(Http.get(service.port(), "/").statusCode());
                }

                assertThat("backends waiting for a standby after each wave: " + waiting, waiting, everyItem(is(0L)));
                assertThat("GET / after each wave: " + reads, reads, everyItem(is(200)));
                assertThat("connections retired", service.engine().pool().retired(), is(retired));
                assertThat(answers.stream().map(HttpResponse::statusCode).toList(), everyItem(is(503)));
                assertThat(answers.stream().map(HttpResponse::body).toList(), everyItem(is(UNCONFIRMED)));
                assertThat("answers with Retry-After", answers.stream().filter(a -> a.headers().firstValue("Retry-After").isPresent()).count(),
                           is(0L));

                standbyRequired(postgres, observer, false);
                assertThat(Http.get(service.port(), "/record?msg=after").statusCode(), is(200));
                // What was not confirmed is on the primary, as its answers said it may be.
                String listing = Http.get(service.port(), "/").body();
                assertThat(List.of(listing.split("unconfirmed", -1)), hasSize(WAVES * REQUESTS + 1));
                assertThat(listing, containsString("before\n"));
                assertThat(listing.endsWith("\nafter"), is(true));
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void aCommitWhoseWaitForAStandbyAnOperatorCancelsIsNotAcknowledged() throws Exception {
        // The cancel PostgreSQL answers with a warning and a COMMIT that looks done.
        assertThat(answerWhenTheWaitIsEndedBy("pg_cancel_backend"), is("503 " + UNCONFIRMED));
    }

    @Test
    void aCommitWhoseBackendIsTerminatedInItsWaitForAStandbyMayHaveBeenStored() throws Exception {
        // The backend says nothing more and closes: committed on the primary, which "nothing was stored" would deny.
        assertThat(answerWhenTheWaitIsEndedBy("pg_terminate_backend"), is("503 " + UNCONFIRMED));
    }

    // A write's answer once an operator's function ended its commit's wait for a standby.
    private static String answerWhenTheWaitIsEndedBy(String function) throws Exception {
        try (EmbeddedPostgres postgres = start(); Connection observer = postgres.getPostgresDatabase().getConnection()) {
            Service service = start(postgres);
            try {
                standbyRequired(postgres, observer, true);
                CompletableFuture<HttpResponse<String>> write =
                        CompletableFuture.supplyAsync(() -> Http.get(service.port(), "/record?msg=ended"));
                while (backendsWaitingForAStandby(observer) == 0) {
                    Thread.sleep(10);
                }
                endWaits(observer, function);
                HttpResponse<String> answer = write.join();
                return answer.statusCode() + " " + answer.body();
            } finally {
                service.stop();
            }
        }
    }

    private static EmbeddedPostgres start() throws Exception {
        // zonky switches synchronous_commit off; a cluster with synchronous standbys has it on.
        return EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "20").start();
    }

    private static Service start(EmbeddedPostgres postgres) {
        return Main.start(TestConfig.postgres(postgres.getJdbcUrl("postgres", "postgres"),
                                              Map.of("db.connection.dataSource.socketTimeout", "4",
                                                     "messages.warm-up.enabled", "false")));
    }

    // A standby named that never connects, or none: what CloudNativePG sets with dataDurability: required.
    private static void standbyRequired(EmbeddedPostgres postgres, Connection observer, boolean required) throws Exception {
        try (Statement statement = observer.createStatement()) {
            statement.execute("ALTER SYSTEM SET synchronous_standby_names = '" + (required ? "nobody" : "") + "'");
            statement.execute("SELECT pg_reload_conf()");
        }
        // Commits wait once the checkpointer has taken the reload (those waiting go on once it has
        // taken the next): until a probe's commit is seen waiting, another's might not.
        while (required) {
            try (Connection probe = postgres.getPostgresDatabase().getConnection()) {
                // A commit that wrote: one that only took a transaction id waits for no standby.
                CompletableFuture<Void> commit = CompletableFuture.runAsync(
                        () -> execute(probe, "CREATE TABLE IF NOT EXISTS probe (x int); INSERT INTO probe VALUES (1)"));
                while (!commit.isDone() && backendsWaitingForAStandby(observer) == 0) {
                    Thread.sleep(10);
                }
                if (!commit.isDone()) {
                    endWaits(observer, "pg_cancel_backend");
                    commit.join();
                    return;
                }
            }
        }
    }

    private static void endWaits(Connection observer, String function) throws Exception {
        try (Statement statement = observer.createStatement()) {
            statement.execute("SELECT " + function + "(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
        }
    }

    private static void execute(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long backendsWaitingForAStandby(Connection observer) throws Exception {
        try (Statement statement = observer.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
