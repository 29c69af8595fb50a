package io.messages.ops;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;
import io.messages.backup.OffsiteCopies;
import io.messages.db.Backups;
import io.messages.db.Engine;
import io.messages.db.TransactionCounts;

/**
 * Meters of the database engine, read from it at scrape time:
 * {@code messages_transactions_total{outcome}}, {@code messages_db_commits_total} (committed
 * transactions per database commit is the group commit's batch size) and
 * {@code messages_db_connections_retired_total}, {@code messages_db_breaker_open} (1 while the
 * database cannot be reached and requests are refused at once) and
 * {@code messages_db_breaker_opened_total}, {@code messages_db_writers_waiting} and
 * {@code messages_db_pool_connections{state}} (active, idle, pending, total), and on SQLite
 * {@code messages_db_volume_available_bytes} / {@code messages_db_volume_size_bytes}. All are tagged
 * with the pool's name, so that several engines in one JVM (tests) do not share series.
 */
final class DatabaseMetrics {
    private DatabaseMetrics() {
    }

    static void register(Engine engine) {
        MeterRegistry registry = Services.get(MeterRegistry.class);
        Tag pool = Tag.create("pool", engine.poolName());
        transactions(registry, engine, pool, "committed", counts -> counts.committed());
        transactions(registry, engine, pool, "rolled_back", counts -> counts.rolledBack());
        registry.getOrCreate(FunctionalCounter.builder("messages.db.commits", engine, e -> e.counts().databaseCommits())
                                     .description("Database commits that made written request transactions durable; "
                                                          + "with group commit one holds several")
                                     .tags(List.of(pool)));
        registry.getOrCreate(FunctionalCounter.builder("messages.db.connections.retired", engine, Engine::retiredConnections)
                                     .description("Pooled connections retired because a commit, rollback or savepoint "
                                                          + "failed on them or their server went away")
                                     .tags(List.of(pool)));
        registry.getOrCreate(Gauge.builder("messages.db.schema.version", engine, e -> schemaVersion(e.schemaVersion()))
                                     .description("Version of the database schema (the newest migration applied)")
                                     .tags(List.of(pool)));
        registry.getOrCreate(Gauge.builder("messages.db.breaker.open", engine, e -> e.unreachable() ? 1 : 0)
                                     .description("1 while the database cannot be reached and requests needing it are "
                                                          + "refused at once (503), 0 otherwise")
                                     .tags(List.of(pool)));
        registry.getOrCreate(FunctionalCounter.builder("messages.db.breaker.opened", engine, Engine::outages)
                                     .description("Times the database could not be reached and the breaker opened")
                                     .tags(List.of(pool)));
        registry.getOrCreate(Gauge.builder("messages.db.writers.waiting", engine, Engine::writersWaiting)
                                     .description("Requests waiting for the write turn (SQLite's single writer)")
                                     .tags(List.of(pool)));
        // The volume of the SQLite file, for "disk filling" alerts that also work outside
        // Kubernetes (where kubelet_volume_stats_* say the same of a PVC).
        engine.file().ifPresent(file -> {
            volume(registry, file.path(), pool, "available", FileStore::getUsableSpace);
            volume(registry, file.path(), pool, "size", FileStore::getTotalSpace);
            // Read at scrape time: backups start once the schema is migrated, after this runs.
            registry.getOrCreate(Gauge.builder("messages.db.backup.last.success.seconds", engine,
                                               e -> e.backups().map(Backups::lastSuccess).orElse(0L))
                                         .description("When the newest backup of the SQLite file began, in seconds since "
                                                              + "the epoch (0: none)")
                                         .tags(List.of(pool)));
            registry.getOrCreate(Gauge.builder("messages.db.backup.interval.seconds", engine,
                                               e -> e.backups().map(b -> b.interval().toSeconds()).orElse(0L))
                                         .description("How often the SQLite file is backed up (db.backup.interval; 0: "
                                                              + "backups off)")
                                         .tags(List.of(pool)));
            registry.getOrCreate(FunctionalCounter.builder("messages.db.backup.failures", engine,
                                                           e -> e.backups().map(Backups::failures).orElse(0L))
                                         .description("Backups of the SQLite file that failed")
                                         .tags(List.of(pool)));
            // NaN while off-site copies are off: an alert on the newest copy's age stays quiet.
            registry.getOrCreate(Gauge.builder("messages.db.backup.offsite.last.success.seconds", engine,
                                               e -> e.backups().flatMap(Backups::offSite)
                                                       .map(o -> (double) o.newest()).orElse(Double.NaN))
                                         .description("When the backup of the newest copy in object storage began, in "
                                                              + "seconds since the epoch (0: none; NaN: copies off)")
                                         .tags(List.of(pool)));
            registry.getOrCreate(FunctionalCounter.builder("messages.db.backup.offsite.failures", engine,
                                                           e -> e.backups().flatMap(Backups::offSite)
                                                                   .map(OffsiteCopies::failures).orElse(0L))
                                         .description("Copies of backups to object storage that failed")
                                         .tags(List.of(pool)));
        });
        connections(registry, engine, pool, "active", HikariPoolMXBean::getActiveConnections);
        connections(registry, engine, pool, "idle", HikariPoolMXBean::getIdleConnections);
        connections(registry, engine, pool, "pending", HikariPoolMXBean::getThreadsAwaitingConnection);
        connections(registry, engine, pool, "total", HikariPoolMXBean::getTotalConnections);
    }

    private static void transactions(MeterRegistry registry, Engine engine, Tag pool, String outcome,
                                     ToLongFunction<TransactionCounts> count) {
        registry.getOrCreate(FunctionalCounter.builder("messages.transactions", engine, e -> count.applyAsLong(e.counts()))
                                     .description("Request transactions ended, by outcome")
                                     .tags(List.of(pool, Tag.create("outcome", outcome))));
    }

    private static void connections(MeterRegistry registry, Engine engine, Tag pool, String state,
                                    ToDoubleFunction<HikariPoolMXBean> figure) {
        registry.getOrCreate(Gauge.builder("messages.db.pool.connections", engine, e -> poolFigure(e, figure))
                                     .description("Connections of the database pool, by state")
                                     .tags(List.of(pool, Tag.create("state", state))));
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

    // Versions are numbers such as 2 or 2.1; anything else reports no value.
    private static double schemaVersion(String version) {
        try {
            return Double.parseDouble(version);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    // A closed engine has no pool bean: report no value rather than fail the whole scrape.
    private static double poolFigure(Engine engine, ToDoubleFunction<HikariPoolMXBean> figure) {
        if (engine.isClosed()) {
            return Double.NaN;
        }
        try {
            return figure.applyAsDouble(engine.pool());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
