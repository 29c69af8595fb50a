package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link BadInputTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class BadInputOnPostgresTest extends BadInputTest {
}
