package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link PagingAndJsonTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class PagingAndJsonOnPostgresTest extends PagingAndJsonTest {
}
