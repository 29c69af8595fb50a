package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.SQLITE;

/** {@link ListingTest} on SQLite. */
@OnDatabase(value = SQLITE, config = "messages.listing.keep=1048576")
class ListingOnSqliteTest extends ListingTest {
}
