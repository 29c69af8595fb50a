package io.messages.db.sqlite.backup;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.Engine;
import io.messages.db.sqlite.Backups;
import io.messages.testing.ChildJvm;
import io.messages.testing.Http;
import io.messages.testing.Scrape;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.Constants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Backups that leave the storage they protect, proven against a real S3-compatible server
 * (s3proxy, in this JVM): each backup copied to the bucket, the newest {@code keep} kept there; the
 * node and both its volumes lost, {@code restore} brings every message acknowledged before the
 * backup back into a fresh volume; a damaged copy is refused for an older good one; nothing is
 * replaced when nothing passes; a database still open in a running service is never replaced.
 */
class OffsiteBackupTest {
    private static final String ACCESS_KEY = "test-access";
    private static final String SECRET_KEY = "test-secret";
    private static BlobStore blobs;
    private static S3Proxy proxy;
    private static URI endpoint;
    private static int buckets;

    @BeforeAll
    static void startObjectStorage() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(Constants.PROPERTY_IDENTITY, ACCESS_KEY);
        properties.setProperty(Constants.PROPERTY_CREDENTIAL, SECRET_KEY);
        blobs = BlobStores.create("transient", properties);
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).stopTimeout(0).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    @AfterAll
    static void stopObjectStorage() throws Exception {
        proxy.stop();
        blobs.close();
    }

    @Test
    void everyMessageAcknowledgedBeforeTheBackupComesBackFromObjectStorageIntoAFreshVolume() throws Exception {
        String bucket = newBucket();
        Path db = TestConfig.tempDir().resolve("data").resolve("messages.db");
        Config config = config(db, bucket, Map.of());
        Set<String> acknowledged = new HashSet<>();
        String taken;
        Service service = started(config);
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(Http.get(service.port(), "/record?msg=m" + i).statusCode(), is(200));
                acknowledged.add("m" + i);
            }
            Backups backups = SqliteFile.backups(service);
            taken = backups.takeNow().getFileName().toString();
            assertThat(Http.get(service.port(), "/record?msg=after-the-backup").statusCode(), is(200));

            OffsiteCopies copies = backups.offSite().orElseThrow();
            assertThat(copies.stored().contains(taken), is(true));
            assertThat(copies.newest(), is(BackupName.takenAt(taken).orElseThrow().getEpochSecond()));
            assertThat(new Scrape(Http.get(service.server().port("admin"), "/observe/metrics").body())
                               .value("messages_db_backup_offsite_last_success_seconds",
                                      "pool=\"" + service.engine().pool().name() + "\""),
                       is((double) copies.newest()));
        } finally {
            service.stop();
        }

        // The node is gone with both its volumes: a fresh one, an empty backup directory.
        Path fresh = TestConfig.tempDir().resolve("fresh").resolve("messages.db");
        Config freshConfig = config(fresh, bucket, Map.of());
        String said = Main.restore(freshConfig, Optional.empty());

        assertThat(said, containsString("restored " + taken + " from s3://" + bucket + "/messages/"));
        assertThat(SqliteFile.integrityCheck(fresh), is("ok"));
        Service restored = Main.start(freshConfig);
        try {
            assertThat(Http.listedMessages(restored.port()), is(acknowledged));
        } finally {
            restored.stop();
        }
    }

    @Test
    void aDamagedNewestCopyIsRefusedForTheNewestGoodOneAndTheReplacedDatabaseIsKeptBesideIt() throws Exception {
        String bucket = newBucket();
        Path db = TestConfig.tempDir().resolve("messages.db");
        Config config = config(db, bucket, Map.of());
        String good;
        Service service = started(config);
        try {
            assertThat(Http.get(service.port(), "/record?msg=in-the-good-one").statusCode(), is(200));
            good = SqliteFile.backups(service).takeNow().getFileName().toString();
            assertThat(Http.get(service.port(), "/record?msg=in-the-damaged-one").statusCode(), is(200));
            String damaged = SqliteFile.backups(service).takeNow().getFileName().toString();
            try (S3Client s3 = client()) {
                s3.putObject(r -> r.bucket(bucket).key("messages/" + damaged), RequestBody.fromString("not a database"));
            }
            // The volume's copies are lost too: only object storage is left.
            for (Path local : SqliteFile.backups(service).kept()) {
                Files.delete(local);
            }
        } finally {
            service.stop();
        }

        String said = Main.restore(config, Optional.empty());

        assertThat(said, containsString("restored " + good));
        assertThat(said, containsString("refused: messages-"));
        assertThat(SqliteFile.values(db), is(Set.of("in-the-good-one")));
        Path before = Files.list(db.getParent())
                .filter(f -> f.getFileName().toString().startsWith("messages.db.before-restore-")
                        && !f.getFileName().toString().endsWith("-wal") && !f.getFileName().toString().endsWith("-shm"))
                .findFirst().orElseThrow();
        assertThat("the replaced database, kept, still opens", SqliteFile.values(before),
                   is(Set.of("in-the-good-one", "in-the-damaged-one")));
    }

    @Test
    void theNewestKeepCopiesAreKeptAndAStoreThatCannotBeReachedFailsTheCopyNotTheBackup() throws Exception {
        String bucket = newBucket();
        Service service = started(config(TestConfig.tempDir().resolve("messages.db"), bucket,
                                         Map.of("db.backup.off-site.keep", "2")));
        try {
            Backups backups = SqliteFile.backups(service);
            List<String> taken = List.of(backups.takeNow(), backups.takeNow(), backups.takeNow()).stream()
                    .map(p -> p.getFileName().toString()).toList();
            assertThat(backups.offSite().orElseThrow().stored(), is(taken.subList(1, 3)));
        } finally {
            service.stop();
        }

        Path db = TestConfig.tempDir().resolve("messages.db");
        // A new database, so a store that cannot be listed must be told to let it start empty.
        Config unreachableStore = config(db, bucket, Map.of("db.backup.off-site.endpoint",
                                                           "http://127.0.0.1:" + ChildJvm.freePort(),
                                                           "db.backup.off-site.start-empty", "true"));
        Service unreachable = started(unreachableStore);
        try {
            assertThat(Http.get(unreachable.port(), "/record?msg=local-only").statusCode(), is(200));
            Backups backups = SqliteFile.backups(unreachable);
            long failed = backups.offSite().orElseThrow().failures();
            Path local = backups.takeNow();
            assertThat("the backup itself is taken", Files.exists(local), is(true));
            assertThat(backups.offSite().orElseThrow().failures(), greaterThan(failed));
        } finally {
            unreachable.stop();
        }
        // The store still unreachable at restore time: the volume's backups are restored.
        Files.delete(db);
        String said = Main.restore(unreachableStore, Optional.empty());
        assertThat(said, containsString("local backups only"));
        assertThat(SqliteFile.values(db), is(Set.of("local-only")));
    }

    @Test
    void aLogLeftBesideAMissingDatabaseIsKeptAsideAndADamagedLocalCopyIsFetchedAgainFromTheBucket() throws Exception {
        String bucket = newBucket();
        Path db = TestConfig.tempDir().resolve("messages.db");
        Config config = config(db, bucket, Map.of());
        Path local;
        Service service = started(config);
        try {
            assertThat(Http.get(service.port(), "/record?msg=kept").statusCode(), is(200));
            local = SqliteFile.backups(service).takeNow();
        } finally {
            service.stop();
        }
        Files.writeString(local, "damaged on the backup volume");
        Files.delete(db);
        // Another database's log left at the database's name: replayed, it would corrupt the restore.
        Files.writeString(db.resolveSibling("messages.db-wal"), "a log of another database");

        String said = Main.restore(config, Optional.empty());

        assertThat(said, containsString("restored " + local.getFileName() + " from s3://" + bucket));
        assertThat(SqliteFile.integrityCheck(db), is("ok"));
        assertThat(SqliteFile.values(db), is(Set.of("kept")));
        assertThat(Files.exists(db.resolveSibling("messages.db-wal")), is(false));
        assertThat(Files.list(db.getParent()).anyMatch(f -> f.getFileName().toString().matches("messages\\.db\\.before-restore-.*-wal")),
                   is(true));
    }

    @Test
    void aServiceOnALostVolumeRefusesToStartOrMigrateWhileTheBucketHoldsItsBackupsUnlessToldToStartEmpty()
            throws Exception {
        String bucket = newBucket();
        Path db = TestConfig.tempDir().resolve("data").resolve("messages.db");
        Service service = started(config(db, bucket, Map.of()));
        try {
            assertThat(Http.get(service.port(), "/record?msg=in-the-bucket").statusCode(), is(200));
            SqliteFile.backups(service).takeNow();
        } finally {
            service.stop();
        }
        // The volume lost and made again, empty (a StatefulSet remakes its claim).
        Path again = TestConfig.tempDir().resolve("data-again").resolve("messages.db");

        RuntimeException refused = assertThrows(RuntimeException.class, () -> Main.start(config(again, bucket, Map.of())));
        assertThat(refused.getMessage(), containsString("restore it first"));
        assertThat("no empty database made", Files.exists(again), is(false));
        // Nor by the migrate command (an init container's), which would leave start-up a file to accept.
        RuntimeException notMigrated = assertThrows(RuntimeException.class,
                                                    () -> Engine.migrate(config(again, bucket, Map.of()).get("db")));
        assertThat(notMigrated.getMessage(), containsString("restore it first"));
        assertThat("no empty database made by migrate", Files.exists(again), is(false));

        Service empty = Main.start(config(again, bucket, Map.of("db.backup.off-site.start-empty", "true")));
        empty.stop();
    }

    @Test
    void nothingIsReplacedWhenNoBackupExistsOrTheDatabaseIsOpenInARunningService() throws Exception {
        String bucket = newBucket();
        Path db = TestConfig.tempDir().resolve("messages.db");
        Config config = config(db, bucket, Map.of("db.backup.directory", "", "db.backup.off-site.bucket", ""));
        Service service = started(config(db, bucket, Map.of()));
        try {
            assertThat(Http.get(service.port(), "/record?msg=live").statusCode(), is(200));
            SqliteFile.backups(service).takeNow();

            // The command as an operator runs it, in its own process, while the service has the file open.
            ChildJvm.Exit refused = ChildJvm.runToExit(Map.of(), List.of("restore"), "-Ddb.connection.url=jdbc:sqlite:" + db,
                                                       "-Ddb.backup.off-site.bucket=" + bucket,
                                                       "-Ddb.backup.off-site.endpoint=" + endpoint,
                                                       "-Ddb.backup.off-site.access-key-id=" + ACCESS_KEY,
                                                       "-Ddb.backup.off-site.secret-access-key=" + SECRET_KEY);
            assertThat(refused.status(), is(2));
            assertThat(refused.stderr(), containsString("is open in another process: stop the service first"));
            assertThat(Http.get(service.port(), "/record?msg=still-live").statusCode(), is(200));
        } finally {
            service.stop();
        }
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> Main.restore(config, Optional.empty()));
        assertThat(none.getMessage(), containsString("the database is untouched"));
        assertThat(SqliteFile.values(db), is(Set.of("live", "still-live")));
        assertThat(Files.list(db.getParent()).anyMatch(f -> f.getFileName().toString().contains("before-restore")), is(false));
    }

    // Started, its first backup (taken at once on a new database) done: the backups a test takes
    // are then the newest.
    private static Service started(Config config) throws InterruptedException {
        Service service = Main.start(config);
        Backups backups = SqliteFile.backups(service);
        if (!Writers.await(() -> backups.lastSuccess() > 0 || backups.failures() > 0, Duration.ofSeconds(30))) {
            service.stop();
            throw new AssertionError("no first backup within 30 s");
        }
        return service;
    }

    private static Config config(Path db, String bucket, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(Map.of(
                "db.backup.directory", db.resolveSibling("backup").toString(),
                "db.backup.off-site.bucket", bucket,
                "db.backup.off-site.endpoint", endpoint.toString(),
                "db.backup.off-site.access-key-id", ACCESS_KEY,
                "db.backup.off-site.secret-access-key", SECRET_KEY));
        values.putAll(overrides);
        return TestConfig.sqlite(db, values);
    }

    private static String newBucket() {
        String bucket = "backups-" + ++buckets;
        try (S3Client s3 = client()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        return bucket;
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build();
    }
}
