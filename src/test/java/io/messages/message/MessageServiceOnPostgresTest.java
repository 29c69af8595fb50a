package io.messages.message;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MessageServiceTest} on PostgreSQL. */
@RoutingTest
class MessageServiceOnPostgresTest extends MessageServiceTest {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.POSTGRES);

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        SERVICE.routing(routing);
    }
}
