package io.messages.web;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link TransactionFilterTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class TransactionFilterOnPostgresTest extends TransactionFilterTest {
}
