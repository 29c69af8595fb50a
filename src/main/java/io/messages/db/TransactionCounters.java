package io.messages.db;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where request transactions count themselves ({@link TransactionCounts}). A request that is not
 * to be counted (the warm-up's rehearsals) counts into {@link #NONE}.
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

    TransactionCounts counts() {
        return new TransactionCounts(begun.sum(), committed.sum(), rolledBack.sum(), databaseCommits.sum());
    }
}
