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
public final class TransactionCounters {
    /** Counts nothing. */
    public static final TransactionCounters NONE = new TransactionCounters(false);

    private final boolean counting;
    private final LongAdder begun = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder databaseCommits = new LongAdder();

    /** Where request transactions count themselves; with {@code counting} false, nothing is counted. */
    TransactionCounters(boolean counting) {
        this.counting = counting;
    }

    /** A request transaction began. */
    public void begun() {
        if (!counting) {
            return;
        }
        begun.increment();
    }

    /**
     * A request transaction ended; {@code durable}: its commit made written work durable (one
     * database commit).
     */
    public void ended(boolean committed, boolean durable) {
        if (!counting) {
            return;
        }
        (committed ? this.committed : rolledBack).increment();
        if (committed && durable) {
            databaseCommits.increment();
        }
    }

    /** One database commit made {@code kept} request transactions durable (group commit). */
    public void groupCommitted(int kept) {
        if (!counting) {
            return;
        }
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
