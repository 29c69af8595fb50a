package io.messages.db;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.helidon.config.Config;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema, kept by versioned SQL migrations with Flyway ({@code db/migration/<kind>/V<n>__*.sql}
 * on the classpath), from the {@code db.migrations} config. Each migration runs in a transaction:
 * one that fails leaves the database as it was. A database whose schema is newer than this
 * service's migrations is refused: the service does not run on a schema it does not know. Older
 * databases and several instances starting together: docs/design.md, "Migrations".
 *
 * @param atStart          whether the service applies pending migrations when it starts; if not, it
 *                         refuses to start until they are applied ({@code java -jar messages.jar migrate})
 * @param locations        where migrations are read from ({@code db.migrations.locations}, comma-separated);
 *                         {@code {kind}} is the database kind
 * @param lockTimeout      a server's: longest a migration's statement waits for a lock ({@code lock_timeout})
 * @param statementTimeout a server's: longest a migration's statement may run ({@code statement_timeout};
 *                         zero: no limit)
 */
record Migrations(boolean atStart, List<String> locations, Duration lockTimeout, Duration statementTimeout) {
    private static final System.Logger LOGGER = System.getLogger(Migrations.class.getName());

    /** Reads the {@code db.migrations} node (defaults: at start, {@code classpath:db/migration/{kind}}). */
    static Migrations from(Config migrations) {
        // One comma-separated string, not a list: a list in the file cannot be overridden by an
        // environment variable or a system property.
        return new Migrations(migrations.get("at-start").asBoolean().orElse(true),
                              List.of(migrations.get("locations").asString().orElse("classpath:db/migration/{kind}")
                                              .split("\\s*,\\s*")),
                              migrations.get("lock-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
                              migrations.get("statement-timeout").as(Duration.class).orElse(Duration.ofMinutes(15)));
    }

    /**
     * Brings the schema of {@code pool}'s database to the newest version (or, when not {@link #atStart},
     * checks that it is there).
     *
     * @return the schema's version now
     * @throws EngineException with one line saying why, if a migration failed or the schema is
     *                         newer than the service or (not at start) older
     */
    String apply(ConnectionPool pool, DatabaseConfig settings) {
        return apply(pool, settings, atStart);
    }

    /** Like {@link #apply(ConnectionPool, DatabaseConfig)}, applying pending migrations whatever {@link #atStart} says. */
    String applyNow(ConnectionPool pool, DatabaseConfig settings) {
        return apply(pool, settings, true);
    }

    private String apply(ConnectionPool pool, DatabaseConfig settings, boolean migrate) {
        DatabaseLocation location = settings.location();
        long started = System.nanoTime();
        Optional<String> session = settings.kind().migrationSession(lockTimeout, statementTimeout);
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                // A session the migrations set stays on the connection: on one of the pool's, the
                // requests it served next would give up at the migrations' lock and statement
                // timeouts. So they connect on their own then, each connection set up with it;
                // without one (SQLite), through the pool, whose open connections also keep an
                // in-memory database alive.
                .dataSource(session.<DataSource>map(sql -> pool.unpooled(new MigrationSession(sql, statementTimeout)))
                                    .orElseGet(pool::dataSource))
                .locations(locations.stream().map(it -> it.replace("{kind}", location.kind())).toArray(String[]::new))
                // Another instance migrating holds Flyway's lock (one migration at a time): wait for it
                // as long as a migration's statement may run, not Flyway's default of 50 s, so that
                // the other pods of a rollout wait behind an index build instead of failing and
                // starting minutes after it.
                .lockRetryCount(lockRetries(statementTimeout))
                .failOnMissingLocations(true)
                .baselineOnMigrate(true)
                .baselineVersion("1")
                .baselineDescription("schema before migrations")
                // Not the default "*:future": a schema newer than the service fails, see below.
                .ignoreMigrationPatterns("")
                .load();
        try {
            refuseNewerSchema(flyway);
            if (!migrate) {
                flyway.validate();
                return version(flyway);
            }
            MigrateResult result = migrateOnce(flyway);
            String version = version(flyway);
            LOGGER.log(System.Logger.Level.INFO, "messages: schema of {0} at version {1} ({2} migration(s) applied now, "
                    + "{3,number,#} ms)", location.masked(), version, result.migrationsExecuted,
                       (System.nanoTime() - started) / 1_000_000);
            return version;
        } catch (FlywayException e) {
            // The line holds the database's error already: no cause to repeat it.
            throw new EngineException(oneLine(e));
        }
    }

    // Flyway looks for its lock again once a second, so many times; -1: for ever (no statement
    // timeout; under 1 ms is none, as PostgreSQL takes it). Flyway keeps the count process-wide:
    // one Flyway runs at a time in the service.
    static int lockRetries(Duration statementTimeout) {
        long millis = statementTimeout.toMillis();
        return millis <= 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(millis, 1000));
    }

    // A version such as 2 or 2.1 as a number for the schema meter; anything else has no value.
    static double asNumber(String version) {
        try {
            return Double.parseDouble(version);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    // Instances starting together on an empty PostgreSQL may both decide to baseline before
    // either takes the lock; the loser succeeds when it looks again.
    private static MigrateResult migrateOnce(Flyway flyway) {
        try {
            return flyway.migrate();
        } catch (FlywayException e) {
            if (String.valueOf(e.getMessage()).startsWith("Unable to baseline")) {
                return flyway.migrate();
            }
            throw e;
        }
    }

    private static void refuseNewerSchema(Flyway flyway) {
        // One look (each opens a connection of its own on a server).
        MigrationInfoService look = flyway.info();
        MigrationInfo current = look.current();
        Optional<MigrationVersion> newest = Arrays.stream(look.all())
                .filter(info -> info.getState().isResolved())
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo);
        if (current != null && newest.isPresent() && current.getVersion().compareTo(newest.get()) > 0) {
            throw new FlywayException("the database's schema is at version " + current.getVersion()
                                              + ", newer than this service knows (" + newest.get()
                                              + "): roll the service forward, or restore the database");
        }
    }

    private static String version(Flyway flyway) {
        MigrationInfo current = flyway.info().current();
        return current == null ? "0" : current.getVersion().getVersion();
    }

    // Flyway's message spreads over lines (script, state, code, database error, location): one
    // line for the operator, without the hints about its own command line.
    private static String oneLine(FlywayException e) {
        return String.join("; ", String.valueOf(e.getMessage()).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("---") && !line.startsWith("Location")
                        && !line.startsWith("Statement") && !line.startsWith("Line") && !line.startsWith("Need more")
                        && !line.startsWith("If you removed"))
                .map(line -> line.replaceAll("\\s+:\\s+", ": "))
                .toList());
    }
}
