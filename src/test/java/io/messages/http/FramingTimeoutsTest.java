package io.messages.http;

import java.time.Duration;
import java.util.Map;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.db.Engine;
import io.messages.testing.RawHttp;
import io.messages.testing.RawHttp.Conversation;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.messages.http.FramingTest.post;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Requests that stop arriving, over raw sockets, on a server whose read and idle timeouts are
 * short enough to wait for in a test: one fixed 408 at the read timeout, or a close without an
 * answer between requests, and nothing stored. SQLite serves, as for {@link FramingTest}.
 */
@ServerTest
class FramingTimeoutsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE, Map.of(
            "server.connection-options.read-timeout", "PT1S",
            "messages.connections.idle-timeout", "PT1S"));

    private final Engine engine = SERVICE.engine();
    private final int port;

    FramingTimeoutsTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        SERVICE.routing(socket, routing);
    }

    @Test
    void clientThatStopsMidBodyGets408AtTheReadTimeoutAndNothingIsStored() {
        long before = Rows.count(engine);

        Conversation answer = RawHttp.converse(port, post("Content-Length: 40\r\n", "msg=stal"), false, WAIT);

        assertThat(answer.responses().stream().map(RawHttp.Response::status).toList(), contains(408));
        assertThat(answer.responses().getFirst().body(), is("The request was not received in time."));
        assertThat(answer.closed(), is(true));
        assertThat(Rows.count(engine), is(before));
    }

    @Test
    void clientThatStopsMidHeadersGets408AtTheReadTimeout() {
        Conversation answer = RawHttp.converse(port, "GET /record?msg=stalled HTTP/1.1\r\nHost: x\r\n",
                                               false, WAIT);

        assertThat(answer.responses().stream().map(RawHttp.Response::status).toList(), contains(408));
        assertThat(answer.closed(), is(true));
    }

    @Test
    void connectionIdleBetweenRequestsIsClosedWithoutAnAnswerAtTheIdleTimeout() {
        Conversation answer = RawHttp.converse(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, WAIT);

        assertThat(answer.responses().stream().map(RawHttp.Response::status).toList(), contains(200));
        assertThat(answer.closed(), is(true));
    }
}
