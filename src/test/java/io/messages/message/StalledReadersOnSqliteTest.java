package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link StalledReadersTest} on SQLite. */
@OnDatabase(value = SQLITE, config = StalledReadersTest.SEND_TIMEOUT)
class StalledReadersOnSqliteTest extends StalledReadersTest {
}
