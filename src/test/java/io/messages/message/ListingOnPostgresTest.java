package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link ListingTest} on PostgreSQL. */
@OnDatabase(value = POSTGRES, config = "messages.listing.keep=1048576")
class ListingOnPostgresTest extends ListingTest {
}
