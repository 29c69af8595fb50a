package io.messages.ops;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Http;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Storage faults other than a full disk, produced for real: the database's directory and files
 * turning read-only under load recover by themselves once writable again, even with every pooled
 * connection opened during the fault (SQLite opens those read-only, for good);
 * the write-ahead log deleted under the service cannot be recovered in the same process, so every
 * committed write is secured into the database file at once, writes are refused, and liveness goes
 * DOWN so that Kubernetes restarts the pod.
 */
class StorageFaultTest {
    private static final String LISTING = "Here are your list of messages: ";

    /**
     * A file system cannot be remounted read-only while files on it are open for writing, so the
     * directory, the database file and its write-ahead log are made immutable instead (root ignores
     * file modes): writes already open fail in SQLite (EPERM), new ones are refused beforehand.
     */
    @Test
    void databaseDirectoryAndFilesTurningReadOnlyUnderLoadRefuseWritesAndRecoverWhenWritableAgain() throws Exception {
        Path dir = TestConfig.tempDir().resolve("data");
        Path db = dir.resolve("messages.db");
        List<Path> turningReadOnly = List.of(dir, db, dir.resolve("messages.db-wal"));
        Config config = TestConfig.sqlite(db, Map.of());
        Set<String> acknowledged;
        Service service = Main.start(config);
        try (Writers writers = Writers.start(service.port(), 8, Duration.ofMillis(2), (w, i) -> "w" + w + "-" + i)) {
            Thread.sleep(300);
            assumeTrue(turningReadOnly.stream().allMatch(path -> SqliteFile.chattr("+i", path)),
                       "chattr +i is not supported here");
            HttpResponse<String> ready;
            HttpResponse<String> live;
            HttpResponse<String> read;
            try {
                assertThat("writes refused while read-only",
                           Writers.await(() -> writers.refused().size() > 20, Duration.ofSeconds(10)), is(true));
                // The pool refilled while nothing can be opened for writing (as HikariCP does after
                // a fault, sooner or later): its connections open read-only, and stay so.
                service.engine().pool().figures().softEvictConnections();
                int refused = writers.refused().size();
                assertThat("writes on the refilled pool refused", Writers.await(
                        () -> writers.refused().size() > refused + 50, Duration.ofSeconds(10)), is(true));
                ready = Http.get(admin(service), "/observe/health/ready");
                live = Http.get(admin(service), "/observe/health/live");
                read = Http.get(service.port(), "/");
            } finally {
                turningReadOnly.forEach(path -> SqliteFile.chattr("-i", path));
            }
            // Writes come back by themselves: usually the first one (10-40 ms here). That a write does
            // not wait for the pool's refill after a fault is ShortPoolTest's to prove; this waits
            // for the state (a bound against hanging, not a speed target).
            int attempts = 1;
            long writable = System.nanoTime();
            while (Http.get(service.port(), "/record?msg=after").statusCode() != 200) {
                assertThat("writes come back once the storage is writable", attempts++ < 1_500, is(true));
                Thread.sleep(20);
            }
            System.out.printf("storage writable again: writes back after %d ms, %d attempt(s)%n",
                              (System.nanoTime() - writable) / 1_000_000, attempts);
            Thread.sleep(300);
            writers.stop();

            assertThat(writers.unexpected(), is(empty()));
            assertThat(ready.statusCode(), is(503));
            assertThat(ready.body(), containsString("not writable"));
            assertThat("read-only storage needs no restart", live.statusCode(), is(200));
            assertThat(read.statusCode(), is(200));
            assertThat(Http.get(admin(service), "/observe/health/ready").statusCode(), is(200));
            acknowledged = new HashSet<>(writers.acknowledged());
            acknowledged.add("after");
        } finally {
            service.stop();
        }
        Service restarted = Main.start(config);
        try {
            assertThat(Http.listedMessages(restarted.port()), is(acknowledged));
        } finally {
            restarted.stop();
        }
        assertThat(SqliteFile.integrityCheck(db), is("ok"));
    }

    @Test
    void writeAheadLogDeletedSecuresEveryCommittedWriteRefusesWritesAndAsksForARestart() throws Exception {
        Path db = TestConfig.tempDir().resolve("messages.db");
        Config config = TestConfig.sqlite(db, Map.of());
        List<String> acknowledged = new ArrayList<>();
        Service service = Main.start(config);
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(Http.get(service.port(), "/record?msg=before-" + i).statusCode(), is(200));
                acknowledged.add("before-" + i);
            }

            Files.delete(db.resolveSibling("messages.db-wal"));
            HttpResponse<String> write = Http.get(service.port(), "/record?msg=during");
            HttpResponse<String> ready = Http.get(admin(service), "/observe/health/ready");
            HttpResponse<String> live = Http.get(admin(service), "/observe/health/live");

            assertThat(write.statusCode(), is(503));
            assertThat(ready.statusCode(), is(503));
            assertThat(ready.body(), containsString("write-ahead log"));
            assertThat("only a restart recovers", live.statusCode(), is(503));
            assertThat(live.body(), containsString("write-ahead log"));
            assertThat("still refused when asked again", Http.get(service.port(), "/record?msg=later").statusCode(),
                       is(503));
            // As if the process were killed now: the database file alone holds every acknowledged write.
            Path copy = TestConfig.tempDir().resolve("copy.db");
            Files.copy(db, copy);
            assertThat(SqliteFile.values(copy), is(new HashSet<>(acknowledged)));
        } finally {
            service.stop();
        }
        Service restarted = Main.start(config);
        try {
            assertThat(Http.get(restarted.port(), "/").body(), is(LISTING + String.join("\n", acknowledged)));
            assertThat(Http.get(restarted.port(), "/record?msg=after-restart").statusCode(), is(200));
            assertThat(Http.get(admin(restarted), "/observe/health/live").statusCode(), is(200));
        } finally {
            restarted.stop();
        }
        assertThat(SqliteFile.integrityCheck(db), is("ok"));
    }




    private static int admin(Service service) {
        return service.server().port("admin");
    }
}
