package io.messages.db;

import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * What differs between a SQLite file and a database server once it is open, made by its
 * {@link StorageKind} when the engine is built: how writes take their turn, the isolation of reads that span statements, whether
 * commits can be proven unchanged without a query, backups, and the checks and meters of the
 * storage itself. Everything else gets the right implementation and asks it questions named for
 * what they mean; no request asks which database it runs on.
 */
public interface Storage extends AutoCloseable {
    /** Where the data lives, as configured. */
    DatabaseLocation location();

    /**
     * Whether the database is this instance's own (a SQLite file on its volume): when it fails,
     * this instance cannot serve. A server shared by every instance failing is no instance's
     * fault, and none of them is made unready for it.
     */
    boolean ownsItsDatabase();

    /**
     * Whether messages become visible in the order of their ids (one writer at a time): then
     * what is new since a listing is what comes after its last id. On a server, transactions
     * commit in any order.
     */
    boolean commitsInIdOrder();

    /** Readiness checks of the storage beyond the database's answer to a query (none on a server). */
    List<HealthCheck> readinessChecks();

    /** Liveness checks of the storage: faults only a restart recovers from (none on a server). */
    List<HealthCheck> livenessChecks();

    /** How a request's writes take their turn. */
    Writes writes();

    /** The isolation at which one transaction reading several statements sees one snapshot. */
    int snapshotIsolation();

    /**
     * The session settings, if any, of the connection that runs the same few small statements
     * for as long as it lives ({@link Reads}' lane: the listing's checks, thousands a second).
     */
    Optional<String> laneSession();

    /** A mark of where commits stand now, read without a transaction, for {@link #unchangedSince}. */
    CommitMark commitMark();

    /** Whether nothing was committed since {@code mark}, by any connection of any process. */
    boolean unchangedSince(CommitMark mark);

    /** The schema is in place: what needs it can start. */
    void migrated();

    /** Starts the backups {@code backup} (the {@code db.backup} node) configures. */
    void startBackups(Config backup);

    /** Registers the storage's own meters, tagged with {@code pool}. */
    void registerMeters(MeterRegistry registry, Tag pool);

    @Override
    void close();
}
