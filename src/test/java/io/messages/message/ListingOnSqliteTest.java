package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link ListingTest} on SQLite. */
@OnDatabase(SQLITE)
class ListingOnSqliteTest extends ListingTest {
}
