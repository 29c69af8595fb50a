package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link MessageServiceTest} on SQLite. */
@OnDatabase(SQLITE)
class MessageServiceOnSqliteTest extends MessageServiceTest {
}
