package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link KeptListingTest} on SQLite. */
@OnDatabase(SQLITE)
class KeptListingOnSqliteTest extends KeptListingTest {
}
