package io.messages.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Scrape;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults of the SQLite file while the service runs: writes answer 503 with a short text, reads
 * keep working, readiness goes DOWN, and once the fault is undone everything recovers without a
 * restart.
 */
class DatabaseFaultTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path dir = TestConfig.tempDir().resolve("data");
    private final Path db = dir.resolve("messages.db");
    private Service service;

    @BeforeEach
    void start() throws Exception {
        Config config = TestConfig.sqlite(db, Map.of());
        service = Main.start(config);
        assertThat(get("/record?msg=before").statusCode(), is(200));
        awaitFullPool(config.get("db.connection.poolName").asString().get(),
                      config.get("db.connection.maximumPoolSize").asInt().get());
    }

    // HikariCP fills the pool in the background after start. A connection it opened while the
    // file is moved away would create a new, empty file at the path: wait until it is done.
    private void awaitFullPool(String pool, int size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (new Scrape(admin("/observe/metrics").body())
                       .value("messages_db_pool_connections", "pool=\"" + pool + "\"", "state=\"total\"") < size) {
            assertThat("pool filled in time", System.nanoTime() < deadline, is(true));
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    @Test
    void fileMovedAwayRefusesWritesKeepsReadsAndRecoversWhenMovedBack() throws Exception {
        observeWhileMovedAway(db, "the database file is missing").assertRefusedWritesAndServedReads();
        assertRecovered();
    }

    @Test
    void directoryMovedAwayRefusesWritesAndRecoversWhenMovedBack() throws Exception {
        observeWhileMovedAway(dir, "the database file is missing").assertRefusedWritesAndServedReads();
        assertRecovered();
    }

    @Test
    void immutableFileRefusesWritesAndRecoversWhenWritableAgain() throws Exception {
        observeWhileImmutable(db, "the database file is not writable").assertRefusedWritesAndServedReads();
        assertRecovered();
    }

    @Test
    void immutableDirectoryRefusesWritesAndRecoversWhenWritableAgain() throws Exception {
        observeWhileImmutable(dir, "the database directory is not writable").assertRefusedWritesAndServedReads();
        assertRecovered();
    }

    @Test
    void fileReplacedByAnotherRefusesWrites() throws Exception {
        Files.move(db, dir.resolveSibling("old.db"));
        Files.writeString(db, "");

        Fault fault = observe("the database file was replaced by another file");

        fault.assertRefusedWritesAndServedReads();
    }

    private record Fault(HttpResponse<String> write, HttpResponse<String> read, HttpResponse<String> ready,
                         HttpResponse<String> live, String problem) {
        void assertRefusedWritesAndServedReads() {
            assertThat(write.statusCode(), is(503));
            assertThat(write.body(), is("The database could not complete the request; nothing was stored. Try again later."));
            assertThat(read.statusCode(), is(200));
            assertThat(read.body(), containsString("before"));
            assertThat(read.body(), not(containsString("during")));
            assertThat(ready.statusCode(), is(503));
            assertThat(ready.body(), containsString(problem));
            assertThat("liveness never depends on the database", live.statusCode(), is(200));
        }
    }

    private Fault observe(String problem) throws Exception {
        return new Fault(get("/record?msg=during"), get("/"), admin("/observe/health/ready"),
                         admin("/observe/health/live"), problem);
    }

    private Fault observeWhileMovedAway(Path path, String problem) throws Exception {
        Path away = dir.resolveSibling("moved-away");
        Files.move(path, away);
        try {
            return observe(problem);
        } finally {
            Files.move(away, path);
        }
    }

    private Fault observeWhileImmutable(Path path, String problem) throws Exception {
        // root ignores file modes; the immutable attribute stops root too.
        assumeTrue(SqliteFile.chattr("+i", path), "chattr +i is not supported here");
        try {
            return observe(problem);
        } finally {
            SqliteFile.chattr("-i", path);
        }
    }

    private void assertRecovered() throws Exception {
        assertThat(admin("/observe/health/ready").statusCode(), is(200));
        assertThat(get("/record?msg=after").statusCode(), is(200));
        assertThat(get("/").body(), is("Here are your list of messages: before\nafter"));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(service.port(), path);
    }

    private HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return send(service.server().port("admin"), path);
    }

    private HttpResponse<String> send(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
