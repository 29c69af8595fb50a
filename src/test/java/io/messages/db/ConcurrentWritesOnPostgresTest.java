package io.messages.db;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link ConcurrentWritesTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class ConcurrentWritesOnPostgresTest extends ConcurrentWritesTest {
}
