package io.messages.db.server;

import io.helidon.dbclient.DbClient;
import io.messages.db.OwnTransaction;
import io.messages.db.TransactionCounters;
import io.messages.db.Work;
import io.messages.db.Writes;

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
