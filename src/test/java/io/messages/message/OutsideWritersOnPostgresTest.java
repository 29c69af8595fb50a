package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link OutsideWritersTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class OutsideWritersOnPostgresTest extends OutsideWritersTest {
}
