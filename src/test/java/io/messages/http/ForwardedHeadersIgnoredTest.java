package io.messages.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.testing.OnDatabase;
import io.messages.testing.RawHttp;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** With no trusted proxy (the default), forwarded headers are anyone's and name nobody. */
@ServerTest
@OnDatabase(SQLITE)
class ForwardedHeadersIgnoredTest {
    private final int port;

    ForwardedHeadersIgnoredTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        routing.get("/whoami", (req, res) -> res.send(ClientAddress.of(req).address() + " " + ClientAddress.of(req).scheme()));
    }

    @Test
    void forwardedHeadersFromAnyPeerAreIgnoredByDefault() {
        String body = RawHttp.exchange(port, "GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "Forwarded: for=198.51.100.1;proto=https\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n").body();

        assertThat(body, is("127.0.0.1 http"));
    }
}
