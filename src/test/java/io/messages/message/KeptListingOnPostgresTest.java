package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link KeptListingTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class KeptListingOnPostgresTest extends KeptListingTest {
}
