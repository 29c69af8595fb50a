package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link PagingAndJsonTest} on SQLite. */
@OnDatabase(SQLITE)
class PagingAndJsonOnSqliteTest extends PagingAndJsonTest {
}
