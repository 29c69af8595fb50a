package io.messages.db;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TransactionFilterTest} on SQLite. */
@RoutingTest
class TransactionFilterOnSqliteTest extends TransactionFilterTest {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE);

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing(SERVICE, routing);
    }
}
