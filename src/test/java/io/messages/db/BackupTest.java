package io.messages.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.sqlite.Backups;
import io.messages.db.sqlite.backup.BackupName;
import io.messages.testing.Http;
import io.messages.testing.LogLines;
import io.messages.testing.SmallVolume;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.isIn;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Backups of the SQLite file ({@code db.backup}), taken under load and restored as the operations
 * guide says: copied back as the database file of a stopped service.
 */
class BackupTest {
    @Test
    void backupTakenUnderConcurrentWritesRestoresEveryMessageAcknowledgedBeforeItBegan() throws Exception {
        Path dir = TestConfig.tempDir();
        Config config = TestConfig.sqlite(dir.resolve("data").resolve("messages.db"), Map.of(
                "db.backup.directory", dir.resolve("backup").toString(),
                "db.backup.interval", "PT1H",
                "db.backup.keep", "2"));
        Set<String> acknowledgedBefore;
        Set<String> acknowledged;
        Path backup;
        List<Path> kept;
        Service service = Main.start(config);
        try (Writers writers = Writers.start(service.port(), 8, Duration.ofMillis(1), (w, i) -> "w" + w + "-" + i)) {
            Backups backups = SqliteFile.backups(service);
            assertThat("the first backup is taken at start",
                       Writers.await(() -> !backups.kept().isEmpty(), Duration.ofSeconds(10)), is(true));
            Writers.await(() -> writers.acknowledged().size() > 200, Duration.ofSeconds(10));
            acknowledgedBefore = Set.copyOf(writers.acknowledged());
            backup = backups.takeNow();
            Writers.await(() -> writers.acknowledged().size() > acknowledgedBefore.size() + 200, Duration.ofSeconds(10));
            backups.takeNow();
            writers.stop();
            kept = backups.kept();
            assertThat(writers.unexpected(), is(empty()));
            assertThat("writes went on during and after the backups", writers.acknowledged().size(),
                       greaterThan(acknowledgedBefore.size() + 200));
            assertThat("backups taken by the service's own metric", Http.get(service.server().port("admin"),
                       "/observe/metrics").body().contains("messages_db_backup_last_success_seconds"), is(true));
            acknowledged = new HashSet<>(writers.acknowledged());
        } finally {
            service.stop();
        }

        assertThat("the newest two kept", kept, hasSize(2));
        assertThat(SqliteFile.integrityCheck(backup), is("ok"));
        // Restored as docs/operations.md says: the backup becomes the database file of a new service.
        Path restored = TestConfig.tempDir().resolve("messages.db");
        Files.copy(backup, restored);
        Service fresh = Main.start(TestConfig.sqlite(restored, Map.of()));
        Set<String> listed;
        try {
            listed = Http.listedMessages(fresh.port());
            assertThat(Http.get(fresh.port(), "/record?msg=after-restore").statusCode(), is(200));
        } finally {
            fresh.stop();
        }
        assertThat("every message acknowledged before the backup began", acknowledgedBefore, everyItem(isIn(listed)));
        assertThat("and nothing that was never acknowledged", listed, everyItem(isIn(acknowledged)));
        assertThat(SqliteFile.integrityCheck(restored), is("ok"));
    }

    @Test
    void backupsFailingOnAFullVolumeLeaveNothingBehindAndTheServiceWritesOn() throws Exception {
        try (SmallVolume volume = SmallVolume.mount(1)) {
            Path db = TestConfig.tempDir().resolve("messages.db");
            Config config = TestConfig.sqlite(db, Map.of("db.backup.directory", volume.dir().toString(),
                                                         "db.backup.interval", "PT1H"));
            Service service = Main.start(config);
            try {
                Backups backups = SqliteFile.backups(service);
                assertThat(Writers.await(() -> backups.lastSuccess() > 0, Duration.ofSeconds(10)), is(true));
                volume.fillLeaving(4096);
                String big = "x".repeat(4000);
                for (int i = 0; i < 50; i++) {
                    assertThat(Http.get(service.port(), "/record?msg=" + i + big).statusCode(), is(200));
                }
                for (int i = 0; i < 3; i++) {
                    assertThrows(EngineException.class, backups::takeNow);
                }

                assertThat(backups.failures(), is(3L));
                assertThat("no partial copy left to fill the volume", fileNames(volume.dir()).stream()
                        .filter(name -> name.endsWith(".partial")).toList(), is(empty()));
                assertThat("the service writes on", Http.get(service.port(), "/record?msg=after").statusCode(), is(200));
            } finally {
                service.stop();
            }
        }
    }

    // The directory's file names now (none while it does not exist yet).
    private static List<String> names(Path dir) {
        try {
            return Files.isDirectory(dir) ? fileNames(dir) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    @Test
    void restartedServiceKeepsTheNewestBackupsTimeInsteadOfBackingUpAgainAtOnce() throws Exception {
        Path dir = TestConfig.tempDir();
        Config config = TestConfig.sqlite(dir.resolve("messages.db"), Map.of(
                "db.backup.directory", dir.resolve("backup").toString(),
                "db.backup.interval", "PT1H"));
        Service first = Main.start(config);
        long taken;
        try {
            Backups backups = SqliteFile.backups(first);
            assertThat(Writers.await(() -> backups.lastSuccess() > 0, Duration.ofSeconds(10)), is(true));
            taken = backups.lastSuccess();
        } finally {
            first.stop();
        }
        Service again = Main.start(config);
        try {
            Backups backups = SqliteFile.backups(again);
            Thread.sleep(500);
            assertThat(backups.kept(), hasSize(1));
            assertThat("the newest backup's time, from its file", backups.lastSuccess(),
                       is(Files.getLastModifiedTime(backups.kept().getFirst()).toInstant().getEpochSecond()));
            assertThat(backups.lastSuccess() - taken <= 1, is(true));
        } finally {
            again.stop();
        }
    }

    @Test
    void stoppingDuringABackupCancelsItInsteadOfWaitingForItAndLeavesNoPartialCopy() throws Exception {
        Path dir = TestConfig.tempDir();
        Path database = dir.resolve("messages.db");
        Path backupDir = dir.resolve("backup");
        // A database whose copy takes a while: 300 MB of messages, written before backups are on.
        Service seeding = Main.start(TestConfig.sqlite(database, Map.of()));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement insert = connection.createStatement()) {
            insert.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                                   + "INSERT INTO messages (value) SELECT printf('%.1000c', 'x') FROM n");
        } finally {
            seeding.stop();
        }
        LogLines log = LogLines.of(Backups.class.getName());
        Service service = Main.start(TestConfig.sqlite(database, Map.of(
                "db.backup.directory", backupDir.toString(),
                "db.backup.interval", "PT1H")));
        boolean copying;
        try {
            // The first backup begins at once (none yet): stop while its copy is being written.
            copying = Writers.await(() -> names(backupDir).stream().anyMatch(name -> name.endsWith(".partial")),
                                    Duration.ofSeconds(30));
        } finally {
            service.stop();
            log.close();
        }

        assertThat("the backup had begun when the service stopped", copying, is(true));
        assertThat("the copy was cancelled in SQLite, not left to finish", log.lines(),
                   hasItem(containsString("was cancelled when the service stopped")));
        assertThat("no backup completed, and its partial copy is gone",
                   names(backupDir), is(empty()));
    }

    @Test
    void aCopyAKilledProcessLeftIsDeletedAtStartWithItsJournalAndNothingElseIs() throws Exception {
        Path dir = TestConfig.tempDir();
        Path backupDir = Files.createDirectories(dir.resolve("backup"));
        // What a process killed in the middle of VACUUM INTO leaves (SIGKILL, or SIGTERM before it was up).
        String left = BackupName.of(java.time.Instant.parse("2026-01-01T00:00:00Z")) + ".partial";
        Files.writeString(backupDir.resolve(left), "half a copy");
        Files.writeString(backupDir.resolve(left + "-journal"), "its journal");
        Files.writeString(backupDir.resolve("notes.partial"), "not ours");
        Service service = Main.start(TestConfig.sqlite(dir.resolve("messages.db"), Map.of(
                "db.backup.directory", backupDir.toString(),
                "db.backup.interval", "PT1H")));
        try {
            Backups backups = SqliteFile.backups(service);
            assertThat(Writers.await(() -> backups.lastSuccess() > 0, Duration.ofSeconds(10)), is(true));
        } finally {
            service.stop();
        }

        List<String> names = names(backupDir);
        assertThat(names.stream().filter(name -> name.startsWith(left)).toList(), is(empty()));
        assertThat(names, hasItem("notes.partial"));
    }
}
