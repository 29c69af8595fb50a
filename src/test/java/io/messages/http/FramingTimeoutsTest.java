package io.messages.http;

import java.time.Duration;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.OnDatabase;
import io.messages.testing.RawHttp;
import io.messages.testing.RawHttp.Conversation;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static io.messages.http.FramingTest.post;
import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Requests that stop arriving, over raw sockets, on a server whose read and idle timeouts are
 * short enough to wait for in a test: one fixed 408 at the read timeout, or a close without an
 * answer between requests, and nothing stored. SQLite serves, as for {@link FramingTest}.
 */
@ServerTest
@OnDatabase(value = SQLITE, config = {
        "server.connection-options.read-timeout=PT1S",
        "messages.connections.idle-timeout=PT1S"})
class FramingTimeoutsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Engine engine;
    private final int port;

    FramingTimeoutsTest(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
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
