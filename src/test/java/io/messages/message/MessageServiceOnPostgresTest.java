package io.messages.message;

import io.messages.testing.OnDatabase;

import static io.messages.testing.TestDatabase.POSTGRES;

/** {@link MessageServiceTest} on PostgreSQL. */
@OnDatabase(POSTGRES)
class MessageServiceOnPostgresTest extends MessageServiceTest {
}
