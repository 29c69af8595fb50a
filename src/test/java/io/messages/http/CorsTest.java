package io.messages.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.OnDatabase;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * CORS with one allowed origin, as a browser speaks it (the headless-browser proof is in
 * src/interop/check.sh): preflights answered for what is allowed, other origins refused before
 * any route runs, requests without {@code Origin} untouched.
 */
@ServerTest
@OnDatabase(value = SQLITE, config = "messages.cors.allowed-origins=https://app.example.com")
class CorsTest {
    private static final String APP = "Origin: https://app.example.com\r\n";

    private final Engine engine;
    private final int port;

    CorsTest(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithWhatItMayDo() {
        RawHttp.Response res = send("OPTIONS /record", APP + "Access-Control-Request-Method: POST\r\n"
                + "Access-Control-Request-Headers: content-type, x-request-id\r\n");

        assertThat(res.status(), is(204));
        assertThat(res.head(), containsString("Access-Control-Allow-Origin: https://app.example.com"));
        assertThat(res.head(), containsString("Access-Control-Allow-Methods: GET, HEAD, POST"));
        assertThat(res.head(), containsString("Access-Control-Allow-Headers: Accept, Content-Type, X-Request-Id"));
        assertThat(res.head(), containsString("Access-Control-Max-Age: 600"));
        assertThat(res.head(), containsString("Vary: Origin"));
    }

    @Test
    void aPreflightAskingForMoreThanIsAllowedIsRefused() {
        assertThat(send("OPTIONS /record", APP + "Access-Control-Request-Method: DELETE\r\n").status(), is(403));
        assertThat(send("OPTIONS /record", APP + "Access-Control-Request-Method: POST\r\n"
                + "Access-Control-Request-Headers: x-secret\r\n").status(), is(403));
    }

    @Test
    void aRequestFromAnAllowedOriginIsServedWithTheOriginNamed() {
        RawHttp.Response res = send("GET /record?msg=from-app", APP);

        assertThat(res.body(), is("Recorded: from-app"));
        assertThat(res.head(), containsString("Access-Control-Allow-Origin: https://app.example.com"));
        assertThat(res.head(), containsString("Access-Control-Expose-Headers: X-Request-Id, Link"));
    }

    @Test
    void aRequestFromAnotherOriginIsRefusedAndStoresNothing() {
        long before = Rows.count(engine);

        RawHttp.Response get = send("GET /record?msg=forged", "Origin: https://evil.example\r\n");
        RawHttp.Response post = RawHttp.exchange(port, "POST /record HTTP/1.1\r\nHost: localhost\r\nOrigin: null\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\nConnection: close\r\n\r\nmsg=forged");

        assertThat(get.status(), is(403));
        assertThat(get.head(), not(containsString("Access-Control-Allow-Origin")));
        assertThat(post.status(), is(403));
        assertThat(Rows.count(engine), is(before));
    }

    @Test
    void aRequestWithoutOriginIsUntouched() {
        RawHttp.Response res = send("GET /", "");

        assertThat(res.status(), is(200));
        assertThat(res.head(), not(containsString("Access-Control-")));
    }

    private RawHttp.Response send(String requestLine, String headers) {
        return RawHttp.exchange(port, requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n");
    }
}
