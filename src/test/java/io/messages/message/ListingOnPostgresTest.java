package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link ListingTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class ListingOnPostgresTest extends ListingTest {
}
