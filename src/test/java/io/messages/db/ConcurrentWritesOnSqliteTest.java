package io.messages.db;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link ConcurrentWritesTest} on SQLite. */
@OnDatabase(SQLITE)
class ConcurrentWritesOnSqliteTest extends ConcurrentWritesTest {
}
