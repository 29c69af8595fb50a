package io.messages.db.sqlite.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.config.Config;

/**
 * Each backup of the SQLite file also copied off the node and the cluster, into object storage
 * ({@code db.backup.off-site}), the newest {@code keep} kept there. A backup volume dies with its
 * storage system, its zone or its cluster; these copies do not. A copy that fails is logged and
 * counted, and the next backup is copied as usual: how old the newest copy is, not whether one
 * failed, is what {@code MessagesOffsiteBackupStale} watches.
 */
public final class OffsiteCopies implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(OffsiteCopies.class.getName());

    private final ObjectStore store;
    private final AtomicLong newest = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private OffsiteCopies(ObjectStore store) {
        this.store = store;
    }

    /**
     * The copies {@code offSite} (the {@code db.backup.off-site} node) configures, if it names a
     * bucket. Nothing is called yet: the newest copy already there is looked up
     * ({@link #lookUpNewest}) on the backups' own thread, so a slow store never holds up a start.
     */
    public static Optional<OffsiteCopies> start(Config offSite) {
        return ObjectStore.Settings.from(offSite).map(settings -> {
            LOGGER.log(System.Logger.Level.INFO, "messages: every backup copied to {0}, newest {1} kept there",
                       settings.where(), settings.keep());
            return new OffsiteCopies(ObjectStore.open(settings));
        });
    }

    /**
     * Refuses to start on a SQLite {@code database} file that does not exist while the bucket of
     * {@code backup} (the {@code db.backup} node) holds backups of it: a volume lost and made
     * again empty. Started so, the service would back the empty database up and, a day later,
     * prune the last good copies; restore first. {@code off-site.start-empty: true} starts anyway.
     *
     * @throws IllegalStateException saying so, or that the bucket cannot be listed to tell
     */
    public static void refuseEmptyStart(Config backup, Path database) {
        Optional<ObjectStore.Settings> settings = ObjectStore.Settings.from(backup.get("off-site"));
        if (settings.isEmpty() || Files.exists(database)
                || backup.get("off-site.start-empty").asBoolean().orElse(false)) {
            return;
        }
        List<String> stored;
        try (ObjectStore store = ObjectStore.open(settings.get())) {
            stored = store.names().stream().filter(BackupName::is).toList();
        } catch (ObjectStore.ObjectStoreException e) {
            throw new IllegalStateException("the database file " + database + " does not exist and " + settings.get().where()
                    + " cannot be listed to tell whether it holds its backups (" + e.getMessage()
                    + "); set db.backup.off-site.start-empty=true to start with an empty database", e);
        }
        if (!stored.isEmpty()) {
            throw new IllegalStateException("the database file " + database + " does not exist, and " + settings.get().where()
                    + " holds " + stored.size() + " backups of it (newest " + stored.getLast()
                    + "): restore it first (java -jar messages.jar restore), or set "
                    + "db.backup.off-site.start-empty=true to start with an empty database");
        }
    }

    /** Reads the newest copy stored, for the metric until the next copy; a failure is logged. */
    public void lookUpNewest() {
        try {
            stored().stream().reduce((a, b) -> b).flatMap(BackupName::takenAt)
                    .ifPresent(time -> newest.accumulateAndGet(time.getEpochSecond(), Math::max));
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "messages: " + e.getMessage());
        }
    }

    /**
     * Copies {@code backup} (a whole backup file, named by {@link BackupName}) and removes the
     * copies beyond the newest {@code keep}; a failure is logged and counted, never thrown.
     */
    public void copy(Path backup) {
        String name = backup.getFileName().toString();
        Instant began = Instant.now();
        try {
            store.put(name, backup);
            BackupName.takenAt(name).ifPresent(time -> newest.accumulateAndGet(time.getEpochSecond(), Math::max));
            // The newest keep, and never the copy just made (a clock set back would sort it first).
            List<String> stored = stored();
            stored.subList(0, Math.max(0, stored.size() - store.settings().keep())).stream()
                    .filter(old -> !old.equals(name)).forEach(store::delete);
            LOGGER.log(System.Logger.Level.INFO, "messages: copied {0} to {1} in {2} ms", name, store.settings().where(),
                       Duration.between(began, Instant.now()).toMillis());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOGGER.log(System.Logger.Level.WARNING, "messages: the off-site copy of " + name + " failed: " + e.getMessage());
        }
    }

    /** When the backup of the newest copy stored began, in seconds since the epoch (0: none). */
    public long newest() {
        return newest.get();
    }

    /** Copies that failed since start. */
    public long failures() {
        return failures.get();
    }

    /** The backups stored, oldest first. */
    public List<String> stored() {
        return store.names().stream().filter(BackupName::is).toList();
    }

    @Override
    public void close() {
        store.close();
    }
}
