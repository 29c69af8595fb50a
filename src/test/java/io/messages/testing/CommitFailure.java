package io.messages.testing;

import io.messages.db.Engine;
import io.messages.db.RequestTransaction;

/**
 * The real way to make a commit fail: a row whose deferred foreign key points nowhere, which
 * the database checks only at COMMIT, after every statement succeeded.
 */
public final class CommitFailure {
    private CommitFailure() {
    }

    /** Creates the table whose rows break a commit (once per database; later calls do nothing). */
    public static void prepare(Engine engine) {
        engine.client().execute().dml("CREATE TABLE IF NOT EXISTS child (parent_id BIGINT NOT NULL "
                                              + "REFERENCES messages(id) DEFERRABLE INITIALLY DEFERRED)");
    }

    /** Writes, in {@code tx}, a row that makes its commit fail. */
    public static void plant(RequestTransaction tx) {
        tx.write().dml("INSERT INTO child (parent_id) VALUES (-1)");
    }
}
