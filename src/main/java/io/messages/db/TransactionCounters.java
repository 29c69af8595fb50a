package io.messages.db;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Where request transactions count themselves ({@link TransactionCounts}). A request that is not
 * to be counted (a dry run: {@link Engine#begin}) counts into {@link #NONE}.
 */
class TransactionCounters {
    /** Counts nothing. */
    static final TransactionCounters NONE = new TransactionCounters() {
        @Override
        void begun() {
        }

        @Override
        void ended(boolean committed, boolean durable) {
        }

        @Override
        void groupCommitted(int kept) {
        }
    };

    private final LongAdder begun = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder databaseCommits = new LongAdder();

    /** A request transaction began. */
    void begun() {
        begun.increment();
    }

    /**
     * A request transaction ended; {@code durable}: its commit made written work durable (one
     * database commit).
     */
    void ended(boolean committed, boolean durable) {
        (committed ? this.committed : rolledBack).increment();
        if (committed && durable) {
            databaseCommits.increment();
        }
    }

    /** One database commit made {@code kept} request transactions durable (group commit). */
    void groupCommitted(int kept) {
        committed.add(kept);
        databaseCommits.increment();
    }

    /**
     * {@code messages_transactions_total{outcome}} and {@code messages_db_commits_total} (committed
     * transactions per database commit is the group commit's batch size), tagged with {@code pool}.
     */
    void registerMeters(MeterRegistry registry, Tag pool) {
        transactions(registry, pool, "committed", TransactionCounts::committed);
        transactions(registry, pool, "rolled_back", TransactionCounts::rolledBack);
        registry.getOrCreate(FunctionalCounter.builder("messages.db.commits", this, c -> c.counts().databaseCommits())
                                     .description("Database commits that made written request transactions durable; "
                                                          + "with group commit one holds several")
                                     .tags(List.of(pool)));
    }

    private void transactions(MeterRegistry registry, Tag pool, String outcome, ToLongFunction<TransactionCounts> count) {
        registry.getOrCreate(FunctionalCounter.builder("messages.transactions", this, c -> count.applyAsLong(c.counts()))
                                     .description("Request transactions ended, by outcome")
                                     .tags(List.of(pool, Tag.create("outcome", outcome))));
    }

    TransactionCounts counts() {
        return new TransactionCounts(begun.sum(), committed.sum(), rolledBack.sum(), databaseCommits.sum());
    }
}
