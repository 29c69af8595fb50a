package io.messages.db.sqlite;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.messages.db.sqlite.backup.OffsiteCopies;

/**
 * The meters of a SQLite file: its volume ({@code messages_db_volume_available_bytes},
 * {@code _size_bytes}, for "disk filling" alerts that also work outside Kubernetes, where
 * {@code kubelet_volume_stats_*} say the same of a PVC) and its backups
 * ({@code messages_db_backup_*}), read at scrape time.
 */
final class SqliteMeters {
    private SqliteMeters() {
    }

    // backups: read at scrape time, since they start once the schema is migrated, after this runs.
    static void register(MeterRegistry registry, Tag pool, Path file, Supplier<Optional<Backups>> backups) {
        volume(registry, file, pool, "available", FileStore::getUsableSpace);
        volume(registry, file, pool, "size", FileStore::getTotalSpace);
        registry.getOrCreate(Gauge.builder("messages.db.backup.last.success.seconds", backups,
                                           b -> b.get().map(Backups::lastSuccess).orElse(0L))
                                     .description("When the newest backup of the SQLite file began, in seconds since "
                                                          + "the epoch (0: none)")
                                     .tags(List.of(pool)));
        registry.getOrCreate(Gauge.builder("messages.db.backup.interval.seconds", backups,
                                           b -> b.get().map(it -> it.interval().toSeconds()).orElse(0L))
                                     .description("How often the SQLite file is backed up (db.backup.interval; 0: "
                                                          + "backups off)")
                                     .tags(List.of(pool)));
        registry.getOrCreate(FunctionalCounter.builder("messages.db.backup.failures", backups,
                                                       b -> b.get().map(Backups::failures).orElse(0L))
                                     .description("Backups of the SQLite file that failed")
                                     .tags(List.of(pool)));
        // NaN while off-site copies are off: an alert on the newest copy's age stays quiet.
        registry.getOrCreate(Gauge.builder("messages.db.backup.offsite.last.success.seconds", backups,
                                           b -> b.get().flatMap(Backups::offSite)
                                                   .map(o -> (double) o.newest()).orElse(Double.NaN))
                                     .description("When the backup of the newest copy in object storage began, in "
                                                          + "seconds since the epoch (0: none; NaN: copies off)")
                                     .tags(List.of(pool)));
        registry.getOrCreate(FunctionalCounter.builder("messages.db.backup.offsite.failures", backups,
                                                       b -> b.get().flatMap(Backups::offSite)
                                                               .map(OffsiteCopies::failures).orElse(0L))
                                     .description("Copies of backups to object storage that failed")
                                     .tags(List.of(pool)));
    }

    private static void volume(MeterRegistry registry, Path file, Tag pool, String figure, FileStoreFigure read) {
        registry.getOrCreate(Gauge.builder("messages.db.volume." + figure + ".bytes", file, f -> volumeFigure(f, read))
                                     .description("Bytes " + figure + " on the volume of the SQLite database file")
                                     .tags(List.of(pool)));
    }

    private static double volumeFigure(Path file, FileStoreFigure read) {
        try {
            return read.of(Files.getFileStore(file.getParent()));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private interface FileStoreFigure {
        long of(FileStore store) throws IOException;
    }
}
