package io.messages.db;

import java.util.List;

import io.helidon.dbclient.DbClient;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * How a request's writes take their turn and reach a commit on this kind of database, chosen
 * once when the engine is built: {@link ConcurrentWrites} (a server database: transactions write
 * side by side), {@link SerialWrites} (SQLite: one writer at a time, in arrival order) or
 * {@link GroupCommit} (SQLite: one at a time, several sharing a commit).
 */
public interface Writes {
    /**
     * A request that has begun nothing writes now.
     *
     * @param client   the database client
     * @param counters where the request's transaction counts itself
     * @return where its statements run, reads included
     * @throws DatabaseUnavailableException if the database cannot take writes now (503)
     */
    Work join(DbClient client, TransactionCounters counters);

    /**
     * A request that read in its own transaction writes there now.
     *
     * @param reading its transaction, which has only read so far
     * @return the same transaction, writing
     * @throws DatabaseUnavailableException if the database cannot take writes now (503)
     */
    Work upgrade(OwnTransaction reading);

    /** How many requests wait for the write turn now (0 where there is none). */
    int waiting();

    /** {@code messages_db_writers_waiting}, tagged with {@code pool}. */
    default void registerMeters(MeterRegistry registry, Tag pool) {
        registry.getOrCreate(Gauge.builder("messages.db.writers.waiting", this, Writes::waiting)
                                     .description("Requests waiting for the write turn (SQLite's single writer)")
                                     .tags(List.of(pool)));
    }
}
