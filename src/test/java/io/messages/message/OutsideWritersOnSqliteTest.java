package io.messages.message;

import java.util.List;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.testing.Outside;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * {@link OutsideWritersTest} on SQLite, and what only SQLite lets another writer do: reuse an id
 * that the kept listing has seen go.
 */
@ServerTest
class OutsideWritersOnSqliteTest extends OutsideWritersTest {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE);

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        SERVICE.routing(socket, routing);
    }

    @Test
    void outsideInsertWithALowerIdThanTheKeptListingsLastIsListedInItsPlace() throws Exception {
        for (String msg : List.of("a", "b", "c")) {
            get("/record?msg=" + msg);
        }
        Outside.execute(engine(), "DELETE FROM messages WHERE value = 'b'");
        assertThat(get("/").body(), is(text(List.of("a", "c"))));

        // The freed id again: nothing after the kept listing's last id, yet a new message.
        Outside.execute(engine(), "INSERT INTO messages (id, value) SELECT id + 1, 'b2' FROM messages WHERE value = 'a'");

        assertThat(get("/").body(), is(text(List.of("a", "b2", "c"))));
    }
}
