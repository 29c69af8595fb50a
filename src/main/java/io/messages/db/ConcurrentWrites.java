package io.messages.db;

import io.helidon.dbclient.DbClient;

/**
 * Writes on a server database (PostgreSQL): each request in its own transaction, side by side;
 * the database orders them itself.
 */
final class ConcurrentWrites implements Writes {
    private static final Runnable NOTHING = () -> { };

    @Override
    public Work join(DbClient client, TransactionCounters counters) {
        return OwnTransaction.reading(client.transaction(), counters).writing(NOTHING, NOTHING);
    }

    @Override
    public Work upgrade(OwnTransaction reading) {
        return reading.writing(NOTHING, NOTHING);
    }

    @Override
    public int waiting() {
        return 0;
    }
}
