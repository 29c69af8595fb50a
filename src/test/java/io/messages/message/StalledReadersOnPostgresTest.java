package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link StalledReadersTest} on PostgreSQL. */
@OnDatabase(value = POSTGRES, config = StalledReadersTest.SEND_TIMEOUT)
class StalledReadersOnPostgresTest extends StalledReadersTest {
}
