package io.messages.db;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConcurrentWritesTest} on PostgreSQL. */
@ServerTest
class ConcurrentWritesOnPostgresTest extends ConcurrentWritesTest {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.POSTGRES);

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        SERVICE.routing(socket, routing);
    }
}
