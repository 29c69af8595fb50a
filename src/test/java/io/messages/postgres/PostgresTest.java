package io.messages.postgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.RequestTransaction;
import io.messages.testing.ChildJvm;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.OnDatabase;
import io.messages.testing.Outside;
import io.messages.testing.TestConfig;
import io.messages.testing.TestService;
import io.messages.web.TransactionFilter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.POSTGRES;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * What only the PostgreSQL backend promises: several instances, outages, deadlocks. Deadlocks are
 * made through a test route on the suite's server ({@code @ServerTest}); instances and outages
 * start services of their own.
 */
@ServerTest
@OnDatabase(POSTGRES)
class PostgresTest {
    private static final int OUTAGES = 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        lockingRoutes(routing);
    }

    @Test
    void twoInstancesOnOneDatabaseListEachOthersWritesWithOneTagAndShare64WritersExactly() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Service a = Main.start(TestConfig.postgres(url, Map.of()));
        Service b = Main.start(TestConfig.postgres(url, Map.of()));
        try {
            assertThat(get(a.port(), "/record?msg=via-a").statusCode(), is(200));
            assertThat(get(b.port(), "/record?msg=via-b").statusCode(), is(200));
            assertThat(get(a.port(), "/").body(), is("Here are your list of messages: via-a\nvia-b"));
            // The same listing has the same tag on every instance, even read after commits that
            // change no message (they move every later snapshot): a client switched over gets its 304.
            Outside.execute(a.engine(), "UPDATE flyway_schema_history SET success = success");
            HttpResponse<String> fromB = get(b.port(), "/");
            assertThat(fromB.body(), is("Here are your list of messages: via-a\nvia-b"));
            assertThat(conditionalGet(a.port(), fromB.headers().firstValue("ETag").orElseThrow()), is(304));

            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Future<?>> writers = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < 64; w++) {
                    int port = (w % 2 == 0 ? a : b).port();
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 20; i++) {
                            HttpResponse<String> res = get(port, "/record?msg=w" + writer + "-" + i);
                            if (res.statusCode() != 200) {
                                failures.add(res.statusCode() + " " + res.body());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> writer : writers) {
                    writer.get(120, TimeUnit.SECONDS);
                }
            }

            assertThat(List.copyOf(failures), is(empty()));
            String listing = get(b.port(), "/").body();
            assertThat(listing.split("\n").length, is(2 + 64 * 20));
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * PostgreSQL stopped and started again, {@value #OUTAGES} times in a row. Right after the stop
     * the pool still holds connections used a moment ago (HikariCP hands those out without a
     * check), so the first write meets a dead one; that opens the breaker, and the next is refused
     * at once. Both must answer 503, whichever way the race goes; readiness stays UP (the
     * database is shared: every replica is as unable), saying the database is unreachable.
     */
    @Test
    void writesAre503AndReadinessStaysUpWhilePostgresIsStoppedAndWritesResumeWhenItIsBack() throws Exception {
        Path data = TestConfig.tempDir();
        int pgPort = ChildJvm.freePort();
        EmbeddedPostgres postgres = EmbeddedPostgresServer.onDisk(data, pgPort);
        // HikariCP's shortest pool timeout (its reconnect backoff is half of it), so that 20
        // outages stay quick; the answers do not depend on it.
        Service service = Main.start(TestConfig.postgres(postgres.getJdbcUrl("postgres", "postgres"),
                                              Map.of("db.connection.connectionTimeout", "250")));
        List<String> acknowledged = new ArrayList<>();
        try {
            int admin = service.server().port("admin");
            for (int round = 1; round <= OUTAGES; round++) {
                assertThat(get(service.port(), "/record?msg=before-" + round).statusCode(), is(200));
                acknowledged.add("before-" + round);
                assertThat(get(admin, "/observe/health/ready").body(), containsString("\"reachable\":true"));

                postgres.close();
                HttpResponse<String> write = get(service.port(), "/record?msg=during");
                HttpResponse<String> ready = get(admin, "/observe/health/ready");
                HttpResponse<String> waiting = get(service.port(), "/record?msg=during");
                HttpResponse<String> live = get(admin, "/observe/health/live");
                postgres = EmbeddedPostgresServer.onDisk(data, pgPort);

                String during = "round " + round + ": ";
                assertThat(during + write.body(), write.statusCode(), is(503));
                assertThat(write.headers().firstValue("Retry-After").orElse(""), is("1"));
                assertThat(during + waiting.body(), waiting.statusCode(), is(503));
                assertThat(ready.statusCode(), is(200));
                assertThat(ready.body(), containsString("{\"name\":\"database\",\"status\":\"UP\""));
                assertThat(ready.body(), containsString("\"reachable\":false"));
                assertThat("liveness never depends on the database", live.statusCode(), is(200));
                assertThat("writes resume by themselves", awaitWrite(service.port(), "after-" + round), is(200));
                acknowledged.add("after-" + round);
            }
            assertThat(get(service.port(), "/").body(),
                       is("Here are your list of messages: " + String.join("\n", acknowledged)));
        } finally {
            service.stop();
            postgres.close();
        }
    }

    @Test
    void deadlockIsAnswered503AndKeepsOnlyTheSurvivor(TestService service, WebServer server) throws Exception {
        service.engine().client().execute().dml("CREATE TABLE IF NOT EXISTS locks (k TEXT PRIMARY KEY, n INT NOT NULL)");
        service.engine().client().execute().dml("INSERT INTO locks VALUES ('a', 0), ('b', 0) ON CONFLICT (k) DO NOTHING");

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> ab = pool.submit(() -> get(server.port(), "/test/lock?first=a&second=b"));
            Future<HttpResponse<String>> ba = pool.submit(() -> get(server.port(), "/test/lock?first=b&second=a"));
            HttpResponse<String> one = ab.get(30, TimeUnit.SECONDS);
            HttpResponse<String> other = ba.get(30, TimeUnit.SECONDS);
            statuses.add(one.statusCode());
            statuses.add(other.statusCode());
            HttpResponse<String> refused = one.statusCode() == 503 ? one : other;
            assertThat(refused.headers().firstValue("Retry-After").orElse(""), is("1"));
        }

        assertThat(statuses, containsInAnyOrder(200, 503));
        // Only the survivor's two increments are kept: nothing of the refused one.
        assertThat(service.engine().client().execute().get("SELECT SUM(n) AS total FROM locks").orElseThrow()
                           .column("total").get(Number.class).longValue() % 2, is(0L));
    }

    // Locks two rows in the order asked, with a pause between: two requests in opposite orders deadlock.
    private static void lockingRoutes(HttpRouting.Builder routing) {
        routing.get("/test/lock", (req, res) -> {
            RequestTransaction tx = TransactionFilter.transactionOf(req);
            tx.write().dml("UPDATE locks SET n = n + 1 WHERE k = ?", req.query().get("first"));
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tx.write().dml("UPDATE locks SET n = n + 1 WHERE k = ?", req.query().get("second"));
            res.send("locked both");
        });
    }

    // Records msg until it is acknowledged (15 s at most); the last status.
    private int awaitWrite(int port, String msg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int status;
        while ((status = get(port, "/record?msg=" + msg).statusCode()) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return status;
    }

    private int conditionalGet(int port, String etag) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                                 .header("If-None-Match", etag).build(),
                         HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
