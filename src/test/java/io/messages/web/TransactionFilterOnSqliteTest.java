package io.messages.web;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link TransactionFilterTest} on SQLite. */
@OnDatabase(SQLITE)
class TransactionFilterOnSqliteTest extends TransactionFilterTest {
}
