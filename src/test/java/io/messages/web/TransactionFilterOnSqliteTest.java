package io.messages.db;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link TransactionFilterTest} on SQLite. */
@OnDatabase(SQLITE)
class TransactionFilterOnSqliteTest extends TransactionFilterTest {
}
