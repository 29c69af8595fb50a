package io.messages.postgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.ChildJvm;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.TestConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The shared database goes down under load (PostgreSQL stopped with {@code -m fast}, as a
 * failed node or a maintenance stop would) and comes back. While it is down, every request that
 * needs it is refused at once with 503 and {@code Retry-After} (not after the pool's 5 s wait),
 * and readiness stays UP: the pod is no less able to serve than any other replica, and taking
 * them all out of the Service would turn clear 503s into refused connections. Then it recovers
 * by itself: no restart, nothing acknowledged lost.
 */
class DatabaseOutageTest {
    private static final int CLIENTS = 8;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void outageIsAnswered503AtOnceWithReadinessUpAndRecoversByItself() throws Exception {
        Path data = TestConfig.tempDir();
        int pgPort = ChildJvm.freePort();
        EmbeddedPostgres postgres = EmbeddedPostgresServer.onDisk(data, pgPort);
        // The default pool timeout (5 s): what fails fast is the breaker, not a short timeout.
        Service service = Main.start(TestConfig.postgres(postgres.getJdbcUrl("postgres", "postgres"), Map.of()));
        int admin = service.server().port("admin");
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        long down;
        long back;
        HttpResponse<String> readyDuring;
        HttpResponse<String> liveDuring;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; sending.get() && i < 100_000; i++) {
                        String msg = "c" + client + "-" + i;
                        long asked = System.nanoTime();
                        HttpResponse<String> res = get(service.port(), "/record?msg=" + msg);
                        answers.add(new Answer(asked, System.nanoTime(), res.statusCode(),
                                               res.headers().firstValue("Retry-After").orElse("")));
                        if (res.statusCode() == 200) {
                            acknowledged.add(msg);
                        }
                        Thread.sleep(2);
                    }
                    return null;
                }));
            }
            Thread.sleep(1_000);

            down = System.nanoTime();
            postgres.close();
            Thread.sleep(2_000);
            readyDuring = get(admin, "/observe/health/ready");
            liveDuring = get(admin, "/observe/health/live");
            Thread.sleep(2_000);
            postgres = EmbeddedPostgresServer.onDisk(data, pgPort);
            back = System.nanoTime();
            Thread.sleep(3_000);

            sending.set(false);
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
        } finally {
            service.stop();
        }
        try {
            List<Answer> during = answers.stream().filter(a -> a.asked() > down + 100_000_000L && a.answered() < back).toList();
            List<Long> millis = during.stream().map(Answer::millis).sorted().toList();
            long p99 = millis.get((int) (millis.size() * 0.99));
            long firstAfter = answers.stream().filter(a -> a.status() == 200 && a.asked() >= back)
                    .mapToLong(Answer::answered).min().orElseThrow();
            System.out.printf("outage: %d answers while PostgreSQL was down, p99 %d ms, max %d ms; first 2xx %d ms after"
                              + " it was back; %d acknowledged in all%n", during.size(), p99, millis.getLast(),
                              TimeUnit.NANOSECONDS.toMillis(firstAfter - back), acknowledged.size());

            assertThat("every answer is 200 or 503 with Retry-After",
                       answers.stream().filter(a -> a.status() != 200 && !(a.status() == 503 && a.retryAfter().equals("1")))
                               .toList(), is(empty()));
            assertThat(during.size(), greaterThan(100));
            assertThat("refused at once, not after the pool's wait", p99, lessThan(500L));
            assertThat("readiness stays UP: the database is shared, the pod is fine", readyDuring.statusCode(), is(200));
            assertThat(readyDuring.body(), containsString("\"reachable\":false"));
            assertThat(liveDuring.statusCode(), is(200));
            assertThat("writes succeed again soon after the database is back",
                       TimeUnit.NANOSECONDS.toMillis(firstAfter - back), lessThan(3_000L));
            Service again = Main.start(TestConfig.postgres(postgres.getJdbcUrl("postgres", "postgres"), Map.of()));
            try {
                Set<String> listed = Set.of(get(again.port(), "/").body().split("\n|: ", -1));
                assertThat("every acknowledged write is there",
                           acknowledged.stream().filter(m -> !listed.contains(m)).toList(), is(empty()));
            } finally {
                again.stop();
            }
        } finally {
            postgres.close();
        }
    }

    /**
     * The outage met by a pool whose connections all went quietly (no request was running when
     * the server stopped): the next requests find only dead connections, and HikariCP retries a
     * server that refuses every connection for the whole pool timeout (5 s). Its failed attempts
     * open the breaker, and requests already waiting are refused within a slice of the wait.
     */
    @Test
    void outageMetByAnIdlePoolIsAnswered503WithinASecondNotAtThePoolsTimeout() throws Exception {
        Path data = TestConfig.tempDir();
        int pgPort = ChildJvm.freePort();
        EmbeddedPostgres postgres = EmbeddedPostgresServer.onDisk(data, pgPort);
        Service service = Main.start(TestConfig.postgres(postgres.getJdbcUrl("postgres", "postgres"), Map.of()));
        List<Answer> answers = new ArrayList<>();
        try {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    pool.submit(() -> get(service.port(), "/record?msg=before-" + n));
                }
            }
            postgres.close();
            // Idle for longer than HikariCP trusts a connection without checking it (500 ms).
            Thread.sleep(1_000);
            List<Future<Answer>> burst = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    burst.add(pool.submit(() -> {
                        long asked = System.nanoTime();
                        HttpResponse<String> res = get(service.port(), "/record?msg=during-" + client);
                        return new Answer(asked, System.nanoTime(), res.statusCode(),
                                          res.headers().firstValue("Retry-After").orElse(""));
                    }));
                }
            }
            for (Future<Answer> answer : burst) {
                answers.add(answer.get());
            }
        } finally {
            service.stop();
        }
        System.out.printf("idle pool outage: %s ms%n", answers.stream().map(Answer::millis).toList());
        assertThat(answers.stream().map(Answer::status).toList(), everyItem(is(503)));
        assertThat(answers.stream().map(Answer::retryAfter).toList(), everyItem(is("1")));
        assertThat("refused within a second, not after the pool's 5 s",
                   answers.stream().mapToLong(Answer::millis).max().orElseThrow(), lessThan(1_000L));
    }

    private record Answer(long asked, long answered, int status, String retryAfter) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(answered - asked);
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                 .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
