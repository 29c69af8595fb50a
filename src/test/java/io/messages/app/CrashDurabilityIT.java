package io.messages.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Scrape;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.TestDatabase;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * kill -9 under concurrent writers, on the packaged jar: after each restart on the same database
 * (a SQLite file, or a PostgreSQL database that keeps running), every acknowledged message is
 * listed, nothing listed is half-written or unknown, and on SQLite {@code PRAGMA integrity_check}
 * is ok. Rounds: {@code -Dcrash.rounds=N} (default 3).
 */
class CrashDurabilityIT {
    private static final int WRITERS = 32;
    private static final int ROUNDS = Integer.getInteger("messages.crash.rounds", 3);

    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private double transactionsCommitted;
    private double databaseCommits;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void everyAcknowledgedWriteSurvivesKillNine(TestDatabase database) throws Exception {
        Path db = TestConfig.tempDir().resolve("messages.db");
        List<String> options = database == TestDatabase.SQLITE
                ? List.of("-Ddb.connection.url=jdbc:sqlite:" + db)
                : List.of("-Ddb.connection.url=" + EmbeddedPostgresServer.newDatabase(), "-Ddb.connection.username=postgres");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("crash test on " + database + ": " + ROUNDS + " rounds, seed " + seed);
        for (int round = 0; round < ROUNDS; round++) {
            int port = ChildJvm.freePort();
            int admin = ChildJvm.freePort();
            Process process = start(options, port, admin);
            try {
                assertEveryAcknowledgedMessageIsListed(port);
                writeThenKill(process, port, admin, round, 300 + random.nextInt(1200));
            } finally {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        int port = ChildJvm.freePort();
        Process last = start(options, port, ChildJvm.freePort());
        try {
            assertEveryAcknowledgedMessageIsListed(port);
        } finally {
            last.destroy();
            last.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged.size(), greaterThan(ROUNDS * WRITERS));
        if (database == TestDatabase.SQLITE) {
            assertThat(SqliteFile.integrityCheck(db), is("ok"));
            assertThat("group commit was on", databaseCommits, lessThan(transactionsCommitted));
        }
        System.out.println("crash test on " + database + ": " + acknowledged.size() + " acknowledged of " + attempted.size()
                                   + " sent, all listed after " + ROUNDS + " kills; " + (long) transactionsCommitted
                                   + " writes committed by " + (long) databaseCommits + " database commits");
    }

    private void writeThenKill(Process process, int port, int admin, int round, int killAfterMillis) throws Exception {
        List<Future<?>> writers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < WRITERS; w++) {
                String prefix = "r" + round + "-w" + w + "-";
                writers.add(pool.submit(() -> write(port, prefix)));
            }
            Thread.sleep(killAfterMillis);
            Scrape metrics = new Scrape(ChildJvm.awaitAnswer(admin, "/observe/metrics").body());
            transactionsCommitted += metrics.value("messages_transactions_total", "outcome=\"committed\"");
            databaseCommits += metrics.value("messages_db_commits_total");
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful anything
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private Void write(int port, String prefix) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 1_000_000; i++) {
            String msg = prefix + i;
            attempted.add(msg);
            try {
                HttpResponse<String> res = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/record?msg=" + msg))
                                .timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    acknowledged.add(msg);
                }
            } catch (IOException | InterruptedException e) {
                return null; // the process is gone
            }
        }
        return null;
    }

    private void assertEveryAcknowledgedMessageIsListed(int port) throws Exception {
        String body = ChildJvm.awaitAnswer(port, "/").body();
        String prefix = "Here are your list of messages: ";
        assertThat(body.startsWith(prefix), is(true));
        List<String> listed = body.length() == prefix.length() ? List.of() : List.of(body.substring(prefix.length()).split("\n"));
        Set<String> listedSet = Set.copyOf(listed);
        assertThat("acknowledged but missing", acknowledged.stream().filter(m -> !listedSet.contains(m)).toList(), is(empty()));
        assertThat("listed but never sent whole", listed.stream().filter(m -> !attempted.contains(m)).toList(), is(empty()));
        assertThat("listed twice", listed.size(), is(listedSet.size()));
    }

    private static Process start(List<String> options, int port, int admin) throws IOException {
        List<String> all = new ArrayList<>(options);
        all.add("-Dserver.port=" + port);
        all.add("-Dserver.sockets.0.port=" + admin);
        return new ProcessBuilder(ChildJvm.command(ChildJvm.Launch.JAR, all.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
