package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link BadInputTest} on SQLite. */
@OnDatabase(SQLITE)
class BadInputOnSqliteTest extends BadInputTest {
}
