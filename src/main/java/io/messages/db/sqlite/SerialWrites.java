package io.messages.db.sqlite;

import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.messages.db.OwnTransaction;
import io.messages.db.TransactionCounters;
import io.messages.db.Work;
import io.messages.db.Writes;

/**
 * Writes on SQLite without group commit: one request at a time holds the write turn, in arrival
 * order ({@link WriteGate}), from its first write to the end of its transaction; before each
 * takes it, the database file is checked ({@link DatabaseFile}). SQLite's own locking would make
 * concurrent writers busy-wait with sleeps instead.
 */
final class SerialWrites implements Writes {
    private final WriteGate gate;
    private final Optional<DatabaseFile> file;

    SerialWrites(WriteGate gate, Optional<DatabaseFile> file) {
        this.gate = gate;
        this.file = file;
    }

    @Override
    public Work join(DbClient client, TransactionCounters counters) {
        enter();
        try {
            return writing(OwnTransaction.reading(client.transaction(), counters));
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
    }

    @Override
    public Work upgrade(OwnTransaction reading) {
        enter();
        return writing(reading);
    }

    @Override
    public int waiting() {
        return gate.waiting();
    }

    private void enter() {
        gate.enter();
        try {
            file.ifPresent(DatabaseFile::checkWritable);
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
    }

    private OwnTransaction writing(OwnTransaction transaction) {
        return transaction.writing(() -> file.ifPresent(DatabaseFile::written), gate::leave);
    }
}
