package io.messages.backup;

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
     * bucket. The newest copy already there is looked up (its time is the metric's until the next
     * copy); a store that cannot be reached now is not fatal: copies are tried at each backup.
     */
    public static Optional<OffsiteCopies> start(Config offSite) {
        return ObjectStore.Settings.from(offSite).map(settings -> {
            OffsiteCopies copies = new OffsiteCopies(ObjectStore.open(settings));
            try {
                copies.stored().stream().reduce((a, b) -> b).flatMap(BackupName::takenAt)
                        .ifPresent(time -> copies.newest.set(time.getEpochSecond()));
            } catch (ObjectStore.ObjectStoreException e) {
                LOGGER.log(System.Logger.Level.WARNING, "messages: " + e.getMessage());
            }
            LOGGER.log(System.Logger.Level.INFO, "messages: every backup copied to {0}, newest {1} kept there",
                       settings.where(), settings.keep());
            return copies;
        });
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
            List<String> stored = stored();
            stored.subList(0, Math.max(0, stored.size() - store.settings().keep())).forEach(store::delete);
            LOGGER.log(System.Logger.Level.INFO, "messages: copied {0} to {1} in {2} ms", name, store.settings().where(),
                       Duration.between(began, Instant.now()).toMillis());
        } catch (ObjectStore.ObjectStoreException e) {
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
