package io.messages.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.ChildJvm;
import io.messages.testing.Http;
import io.messages.testing.LogLines;
import io.messages.testing.TestConfig;
import io.messages.testing.TestDatabase;
import org.flywaydb.core.Flyway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The schema's migrations (Flyway) on both databases: from an empty database and from one made
 * before migrations existed; a migration that fails; a schema newer than the service; the
 * {@code migrate} command; several instances starting at once on one PostgreSQL.
 */
class MigrationsTest {
    private static final String LISTING = "Here are your list of messages: ";
    // The schema as the service created it before migrations, per database.
    private static final Map<TestDatabase, String> BEFORE_MIGRATIONS = Map.of(
            TestDatabase.SQLITE, "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, value TEXT NOT NULL, "
                    + "created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
            TestDatabase.POSTGRES, "CREATE TABLE IF NOT EXISTS messages (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY "
                    + "KEY, value TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    private static final Map<TestDatabase, String> NEWEST = Map.of(TestDatabase.SQLITE, "2", TestDatabase.POSTGRES, "5");

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void emptyDatabaseReachesTheNewestVersion(TestDatabase database) {
        Engine engine = Engine.open(database.config().get("db"));
        try {
            assertThat(engine.schemaVersion(), is(NEWEST.get(database)));
        } finally {
            engine.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void migratingAnEmptyDatabaseLogsNoWarning(TestDatabase database) {
        try (LogLines flyway = LogLines.of("org.flywaydb")) {
            assertThat(Engine.migrate(database.config().get("db")), is(NEWEST.get(database)));

            assertThat(flyway.warnings(), is(empty()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void databaseMadeBeforeMigrationsIsRecordedAtVersionOneAndKeepsEveryRow(TestDatabase database) throws Exception {
        Config config = database.config();
        String url = url(config);
        execute(url, BEFORE_MIGRATIONS.get(database), "INSERT INTO messages (value) VALUES ('kept'), ('as'), ('they were')");

        Service service = Main.start(config);
        try {
            assertThat(Http.get(service.port(), "/").body(), is(LISTING + "kept\nas\nthey were"));
            assertThat(Http.get(service.port(), "/record?msg=after").statusCode(), is(200));
        } finally {
            service.stop();
        }
        List<String> history = history(url);
        assertThat(history.getFirst(), is("1 BASELINE"));
        assertThat(history.getLast(), is(NEWEST.get(database) + " SQL"));
    }

    @Test
    void postgresDatabaseAtVersionOneWithRowsMigratesToTheNewestVersionWithEveryRowIntact() throws Exception {
        Config config = TestDatabase.POSTGRES.config();
        String url = url(config);
        Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration/postgresql")
                .target("1").load().migrate();
        execute(url, "INSERT INTO messages (value, created_at) VALUES ('one', '2026-01-01T10:00:00Z'), "
                + "('two', '2026-01-02T10:00:00Z'), ('three', '2026-01-03T10:00:00Z')");
        List<String> before = rows(url);

        Service service = Main.start(config);
        try {
            assertThat(Http.get(service.port(), "/").body(), is(LISTING + "one\ntwo\nthree"));
        } finally {
            service.stop();
        }

        assertThat(rows(url), is(before));
        assertThat(history(url), contains("1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void failingMigrationStopsStartUpWithOneLineAndLeavesTheDatabaseAsItWas(TestDatabase database) throws Exception {
        Config config = database.config();
        Engine.open(config.get("db")).close();
        List<String> before = history(url(config));

        ChildJvm.Exit exit = ChildJvm.runToExit(Map.of(), List.of(), options(config, "classpath:db/broken/{kind}"));

        assertThat(exit.status(), is(2));
        assertThat(exit.stderr(), exit.errorLines(), hasSize(1));
        assertThat(exit.errorLines().getFirst(), containsString("messages: cannot start: "));
        assertThat(exit.errorLines().getFirst(), containsString("V9__broken.sql"));
        assertThat(exit.errorLines().getFirst(), containsString("nosuchtable"));
        assertThat("its first statement was rolled back", tables(url(config)), not(hasItem("half_done")));
        assertThat(history(url(config)), is(before));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void schemaNewerThanTheServiceRefusesToStartWithOneLine(TestDatabase database) throws Exception {
        Config config = database.config();
        Engine.migrate(withLocations(config, "classpath:db/future/{kind}").get("db"));

        ChildJvm.Exit exit = ChildJvm.runToExit(Map.of(), List.of(), options(config));

        assertThat(exit.status(), is(2));
        assertThat(exit.stderr(), exit.errorLines(), hasSize(1));
        assertThat(exit.errorLines().getFirst(), containsString("schema is at version 9, newer than this service knows ("
                + NEWEST.get(database) + ")"));
    }

    @Test
    void migrateCommandAppliesTheMigrationsBeforeAServiceThatDoesNotMigrateItself() throws Exception {
        Config config = TestDatabase.SQLITE.config(Map.of("db.migrations.at-start", "false"));
        String[] options = options(config);
        String[] notAtStart = java.util.Arrays.copyOf(options, options.length + 1);
        notAtStart[options.length] = "-Ddb.migrations.at-start=false";

        ChildJvm.Exit refused = ChildJvm.runToExit(Map.of(), List.of(), notAtStart);
        ChildJvm.Exit migrated = ChildJvm.runToExit(Map.of(), List.of("migrate"), notAtStart);

        assertThat("a service that does not migrate refuses a schema older than it needs", refused.status(), is(2));
        assertThat(refused.errorLines().getFirst(), containsString("messages: cannot start: "));
        assertThat(migrated.stderr(), migrated.status(), is(0));
        assertThat(migrated.stdout(), containsString("messages: schema at version 2"));
        Service service = Main.start(config);
        service.stop();
    }

    @Test
    void threeInstancesStartingTogetherOnOnePostgresApplyEachMigrationOnce() throws Exception {
        assertThat(startTogether(TestDatabase.POSTGRES.config(), 3), contains("1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL"));
        Config legacy = TestDatabase.POSTGRES.config();
        execute(url(legacy), BEFORE_MIGRATIONS.get(TestDatabase.POSTGRES));
        assertThat(startTogether(legacy, 3), contains("1 BASELINE", "2 SQL", "3 SQL", "4 SQL", "5 SQL"));
    }

    // Starts count instances on config at the same moment; returns the migration history then.
    private static List<String> startTogether(Config config, int count) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Service>> starting = new ArrayList<>();
        List<Service> started = new ArrayList<>();
        try (ExecutorService starters = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                // Each instance has a pool of its own (its own name).
                Config own = withPoolName(config, "together-" + i + "-" + System.nanoTime());
                starting.add(starters.submit(() -> {
                    go.await();
                    return Main.start(own);
                }));
            }
            go.countDown();
            for (Future<Service> service : starting) {
                started.add(service.get(60, TimeUnit.SECONDS));
            }
        } finally {
            started.forEach(Service::stop);
        }
        return history(url(config));
    }

    private static String[] options(Config config, String... moreLocations) {
        List<String> options = new ArrayList<>(List.of("-Ddb.connection.url=" + url(config), "-Dserver.port=0",
                                                       "-Dserver.sockets.0.port=0"));
        config.get("db.connection.username").asString().ifPresent(user -> options.add("-Ddb.connection.username=" + user));
        if (moreLocations.length > 0) {
            options.add("-Ddb.migrations.locations=classpath:db/migration/{kind}," + String.join(",", moreLocations));
        }
        return options.toArray(String[]::new);
    }

    // Without the session on the connection that migrates (as when it was set by a Flyway callback that Flyway 13.0 ran
    // on the locking connection alone) the migration would wait for the lock for ever: failed at 60 s instead.
    @Test
    @Timeout(60)
    void aMigrationWaitingForALockGivesUpAtTheLockTimeoutAndLeavesTheDatabaseAsItWas() throws Exception {
        Config config = TestDatabase.POSTGRES.config();
        Engine.migrate(config.get("db"));
        String url = url(config);
        try (Connection holder = connect(url); Statement lock = holder.createStatement()) {
            // A long transaction holding the table, as a report or a stuck client would.
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE messages IN ACCESS SHARE MODE");
            Config locking = override(config, Map.of("db.migrations.locations", "classpath:db/migration/{kind},classpath:db/locking/{kind}",
                                                     "db.migrations.lock-timeout", "PT0.5S"));

            EngineException e = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class,
                    () -> Engine.migrate(locking.get("db")));

            assertThat(e.getMessage(), containsString("lock timeout"));
            holder.rollback();
        }
        assertThat("the schema as it was", Engine.migrate(config.get("db")), is(NEWEST.get(TestDatabase.POSTGRES)));
    }

    // A request's connection gives up on a silent server after the driver's socketTimeout (30 s
    // in the service, 2 s here); a migration's statement may run longer, building an index on a
    // large table: up to the migrations' statement timeout. It failed at the socket timeout before.
    @Test
    void aMigrationsStatementMayRunLongerThanTheDriversSocketTimeout() {
        Config slow = override(TestDatabase.POSTGRES.config(), Map.of(
                "db.migrations.locations", "classpath:db/migration/{kind},classpath:db/slow/{kind}",
                "db.connection.dataSource.socketTimeout", "2"));

        assertThat(Engine.migrate(slow.get("db")), is("9"));
    }

    // An instance that finds another migrating waits for it as long as a migration's statement may
    // run (statement-timeout), then gives up: behind a minutes-long index build the other pods of a
    // rollout wait for it. Flyway's own default gave up after 50 s whatever the timeout, so here,
    // with a timeout of 1 s, it waited out the 10 s migration and succeeded instead.
    @Test
    @Timeout(60)
    void anInstanceWaitsForAnothersMigrationAsLongAsAMigrationsStatementMayRun() throws Exception {
        Config slow = override(TestDatabase.POSTGRES.config(), Map.of(
                "db.migrations.locations", "classpath:db/migration/{kind},classpath:db/long/{kind}"));
        try (ExecutorService first = Executors.newSingleThreadExecutor();
             Connection observer = connect(url(slow)); Statement activity = observer.createStatement()) {
            Future<String> migrating = first.submit(() -> Engine.migrate(slow.get("db")));
            // Flyway holds its lock for one migration at a time: the long one, once it runs.
            while (!migrating.isDone() && !runsTheLongMigration(activity)) {
                Thread.sleep(20);
            }
            Config impatient = override(slow, Map.of("db.migrations.statement-timeout", "PT1S"));

            EngineException e = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class,
                    () -> Engine.migrate(impatient.get("db")));

            assertThat(e.getMessage(), containsString("advisory lock"));
            assertThat("the other instance finished meanwhile", migrating.isDone(), is(false));
            assertThat(migrating.get(30, TimeUnit.SECONDS), is("9"));
        }
        assertThat(Migrations.lockRetries(Duration.ofMinutes(15)), is(900));
        assertThat(Migrations.lockRetries(Duration.ofMillis(1_001)), is(2));
        assertThat("no statement timeout: for ever", Migrations.lockRetries(Duration.ZERO), is(-1));
    }

    private static boolean runsTheLongMigration(Statement activity) throws SQLException {
        try (ResultSet rows = activity.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                                            + " AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep(10)%'")) {
            rows.next();
            return rows.getLong(1) > 0;
        }
    }

    // The migrations' bounds are theirs: a request's statement on a connection the migrations used
    // would give up at them (a write waiting 10 s for a lock answered as a failure) where the same
    // statement on any other connection waits. Every pooled connection is held at once, so each one
    // the migrations could have left in the pool is looked at.
    @Test
    void pooledConnectionsDoNotKeepTheMigrationsTimeouts() throws Exception {
        Engine engine = Engine.open(TestDatabase.POSTGRES.config().get("db"));
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < engine.pool().size(); i++) {
                held.add(engine.pool().connection());
            }
            for (Connection connection : held) {
                try (Statement statement = connection.createStatement()) {
                    assertThat(setting(statement, "lock_timeout"), is("0"));
                    // A request's own bound (ServerKind.completePool: five sixths of socketTimeout's 30 s).
                    assertThat(setting(statement, "statement_timeout"), is("25s"));
                }
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
            engine.close();
        }
    }

    private static String setting(Statement statement, String name) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static Config withLocations(Config config, String more) {
        return override(config, Map.of("db.migrations.locations", "classpath:db/migration/{kind}," + more));
    }

    private static Config withPoolName(Config config, String name) {
        return override(config, Map.of("db.connection.poolName", name));
    }

    private static Config override(Config config, Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("db.connection.url", url(config));
        config.get("db.connection.username").asString().ifPresent(user -> all.put("db.connection.username", user));
        return TestConfig.of(all);
    }

    private static String url(Config config) {
        return config.get("db.connection.url").asString().get();
    }

    private static Connection connect(String url) throws SQLException {
        return url.startsWith("jdbc:postgresql") ? DriverManager.getConnection(url, "postgres", null)
                : DriverManager.getConnection(url);
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    // "version type" of each history row, in order of application.
    private static List<String> history(String url) throws SQLException {
        return strings(url, "SELECT version || ' ' || type FROM flyway_schema_history ORDER BY installed_rank");
    }

    private static List<String> rows(String url) throws SQLException {
        return strings(url, "SELECT id || ' ' || value || ' ' || created_at FROM messages ORDER BY id");
    }

    private static List<String> tables(String url) throws SQLException {
        return strings(url, url.startsWith("jdbc:postgresql")
                ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'");
    }

    private static List<String> strings(String url, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect(url); ResultSet rows = connection.createStatement().executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
