package io.messages.db.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.helidon.config.Config;
import io.messages.db.EngineException;
import io.messages.db.sqlite.backup.BackupName;
import io.messages.db.sqlite.backup.OffsiteCopies;

import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Online backups of the SQLite file ({@code db.backup}): every {@code interval}, a consistent copy
 * into {@code directory} (in Kubernetes a volume of its own), the newest {@code keep} kept.
 *
 * <p>A copy is SQLite's {@code VACUUM INTO}, one snapshot taken beside the service's writers, and
 * a file named {@code .db} is always whole (docs/design.md, "Backups"). With {@code off-site} set,
 * each backup is also copied to object storage ({@link OffsiteCopies});
 * {@code java -jar messages.jar restore} brings the newest good one back
 * ({@link io.messages.db.sqlite.backup.Restore}).
 */
public final class Backups implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Backups.class.getName());
    private static final String PARTIAL = ".partial";

    private final Path database;
    private final Path directory;
    private final Duration interval;
    private final int keep;
    private final Optional<OffsiteCopies> offSite;
    private final ScheduledExecutorService schedule;
    private final AtomicLong lastSuccess = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    // The copy in progress, cancelled by close(); closing: no copy begins any more.
    private volatile @Nullable Statement running;
    private volatile boolean closing;

    private Backups(Path database, Path directory, Duration interval, int keep, Optional<OffsiteCopies> offSite) {
        this.database = database;
        this.directory = directory;
        this.interval = interval;
        this.keep = keep;
        this.offSite = offSite;
        this.schedule = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("messages-backup").daemon(true).factory());
    }

    /**
     * Backups of {@code database} as {@code backup} (the {@code db.backup} node) configures them,
     * if it names a {@code directory}; the first is taken when the newest one there is
     * {@code interval} old (at once when there is none).
     *
     * @throws IllegalArgumentException if the settings are not valid
     * @throws UncheckedIOException     if the directory cannot be created
     */
    static Optional<Backups> start(Config backup, Path database) {
        Optional<Path> directory = backup.get("directory").asString().asOptional().filter(dir -> !dir.isBlank()).map(Path::of);
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        Duration interval = backup.get("interval").as(Duration.class).orElse(Duration.ofHours(1));
        int keep = backup.get("keep").asInt().orElse(24);
        if (interval.isNegative() || interval.isZero() || keep < 1) {
            throw new IllegalArgumentException("db.backup.interval must be positive and db.backup.keep at least 1, not "
                                                       + interval + " and " + keep);
        }
        try {
            Files.createDirectories(directory.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the backup directory " + directory.get(), e);
        }
        Backups backups = new Backups(database, directory.get(), interval, keep, OffsiteCopies.start(backup.get("off-site")));
        backups.offSite.ifPresent(copies -> backups.schedule.execute(copies::lookUpNewest));
        backups.removePartials(); // left by a process that stopped in the middle of a backup
        backups.newest().ifPresent(newest -> backups.lastSuccess.set(modified(newest).getEpochSecond()));
        long age = Instant.now().getEpochSecond() - backups.lastSuccess.get();
        long first = Math.max(0, interval.toSeconds() - age);
        backups.schedule.scheduleWithFixedDelay(backups::takeQuietly, first, interval.toSeconds(), TimeUnit.SECONDS);
        LOGGER.log(System.Logger.Level.INFO, "messages: backups of the database every {0} into {1}, newest {2} kept",
                   interval, directory.get(), keep);
        return Optional.of(backups);
    }

    /**
     * Takes a backup now (one at a time) and removes those beyond the newest {@code keep}.
     *
     * @return the backup's file
     * @throws EngineException if it could not be taken
     */
    public synchronized Path takeNow() {
        if (closing) {
            throw new EngineException("the backup was not taken: the service is stopping");
        }
        Instant began = Instant.now();
        Path whole = directory.resolve(BackupName.of(began));
        Path partial = whole.resolveSibling(whole.getFileName() + PARTIAL);
        Properties properties = new Properties();
        // Another process's lock (a checkpoint, the sqlite3 CLI) is waited for, not failed on.
        properties.setProperty("busy_timeout", "5000");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database, properties);
             PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            Files.deleteIfExists(partial);
            vacuum.setString(1, partial.toString());
            running = vacuum;
            if (closing) {
                throw new SQLException("the service is stopping");
            }
            vacuum.execute();
            // VACUUM INTO does not sync what it wrote: the copy reaches the disk before its name does.
            try (FileChannel file = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                file.force(true);
            }
            Files.move(partial, whole, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (SQLException | IOException e) {
            // A failed or cancelled copy must not keep the space it took: on a full volume every
            // later try would fail too; the newest complete backup stays the newest.
            delete(partial);
            if (closing) {
                boolean cancelled = e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_INTERRUPT;
                throw new EngineException("the backup into " + whole + (cancelled ? " was cancelled" : " was stopped")
                                                  + " when the service stopped; its partial copy is deleted", e);
            }
            failures.incrementAndGet();
            throw new EngineException("the backup into " + whole + " failed: " + e.getMessage(), e);
        } finally {
            running = null;
        }
        lastSuccess.set(began.getEpochSecond());
        prune();
        LOGGER.log(System.Logger.Level.INFO, "messages: backed the database up into {0} in {1} ms", whole,
                   Duration.between(began, Instant.now()).toMillis());
        offSite.ifPresent(copies -> copies.copy(whole));
        return whole;
    }

    /** When the last backup that succeeded began, in seconds since the epoch (0: none yet). */
    public long lastSuccess() {
        return lastSuccess.get();
    }

    /** Backups that failed since start. */
    public long failures() {
        return failures.get();
    }

    /** Where each backup is copied off the node and the cluster, when configured. */
    public Optional<OffsiteCopies> offSite() {
        return offSite;
    }

    /** How often a backup is taken. */
    public Duration interval() {
        return interval;
    }

    /** The backups kept, oldest first. */
    public List<Path> kept() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Backups::isBackup).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the backups. One in progress is cancelled rather than waited for: a large database's
     * copy can take longer than the pod's grace period has left after the drain, and a process
     * killed in the middle would leave its copy to the next start anyway; its partial copy is
     * deleted, and the newest complete backup stays the newest.
     */
    @Override
    public void close() {
        closing = true;
        schedule.shutdownNow();
        Statement statement = running;
        if (statement != null) {
            try {
                statement.cancel(); // sqlite3_interrupt: VACUUM stops at its next step
            } catch (SQLException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "cancelling the backup: {0}", e.getMessage());
            }
        }
        try {
            schedule.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        offSite.ifPresent(OffsiteCopies::close);
    }

    // On the schedule: a failure is logged and counted (the alert on the last success's age says
    // when it lasts), and the next interval tries again.
    private void takeQuietly() {
        try {
            takeNow();
        } catch (RuntimeException e) {
            LOGGER.log(closing ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "messages: " + e.getMessage());
        }
    }

    private void prune() {
        List<Path> kept = kept();
        kept.subList(0, Math.max(0, kept.size() - keep)).forEach(Backups::delete);
    }

    private void removePartials() {
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Backups::isPartial).forEach(Backups::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOGGER.log(System.Logger.Level.WARNING, "messages: cannot delete " + file + ": " + e.getMessage());
        }
    }

    private Optional<Path> newest() {
        List<Path> kept = kept();
        return kept.isEmpty() ? Optional.empty() : Optional.of(kept.getLast());
    }

    // A backup's name and .partial (or its -journal): what takeNow writes first (nothing else in the directory).
    private static boolean isPartial(Path file) {
        String name = file.getFileName().toString();
        int at = name.lastIndexOf(PARTIAL);
        // The copy, or the rollback journal SQLite writes beside it while it is being made.
        return at > 0 && BackupName.is(name.substring(0, at)) && Set.of("", "-journal").contains(name.substring(at + PARTIAL.length()));
    }

    private static boolean isBackup(Path file) {
        return BackupName.is(file.getFileName().toString());
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
