package io.messages.message;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ListingTest} on SQLite. */
@ServerTest
class ListingOnSqliteTest extends ListingTest {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE);

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        routing(SERVICE, socket, routing);
    }
}
