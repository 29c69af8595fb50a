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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The client address and the request id behind proxies, with this test's peer (127.0.0.1) a
 * trusted proxy and 10.0.0.0/8 its network: forwarded headers are read back past trusted hops
 * only. A route of the test's own ({@code /whoami}) shows what the access log and spans are given.
 */
@ServerTest
@OnDatabase(value = SQLITE, config = "messages.proxies.trusted=127.0.0.1, 10.0.0.0/8")
class BehindProxiesTest {
    private final int port;

    BehindProxiesTest(WebServer server) {
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        routing.get("/whoami", (req, res) -> res.send(ClientAddress.of(req).address() + " " + ClientAddress.of(req).scheme()
                                                              + " " + RequestId.of(res)));
    }

    @Test
    void theClientIsTheFirstAddressPastTheTrustedProxies() {
        assertThat(whoami("X-Forwarded-For: 203.0.113.7, 10.1.2.3\r\n"), startsWith("203.0.113.7 http"));
        assertThat(whoami("X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 198.51.100.2, 10.1.2.3\r\n"),
                   startsWith("198.51.100.2 http"));
    }

    @Test
    void anAddressAnUntrustedHopAddedIsNotBelieved() {
        // 192.0.2.9 is not trusted: what it says came before it (the forged 203.0.113.66) is not read.
        assertThat(whoami("X-Forwarded-For: 203.0.113.66, 192.0.2.9, 10.1.2.3\r\n"), startsWith("192.0.2.9 http"));
    }

    @Test
    void aHopThatIsNotAnAddressEndsTheWalkAndNothingIsLookedUp() {
        assertThat(whoami("X-Forwarded-For: 203.0.113.7, evil.example.com\r\n"), startsWith("127.0.0.1 http"));
        assertThat(whoami("X-Forwarded-For: unknown\r\n"), startsWith("127.0.0.1 http"));
    }

    @Test
    void forwardedIsReadAsRfc7239SaysWithItsProtocol() {
        assertThat(whoami("Forwarded: for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.5\r\n"),
                   startsWith("2001:db8:0:0:0:0:0:17 https"));
        assertThat(whoami("X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"), startsWith("203.0.113.7 https"));
    }

    @Test
    void aWellFormedRequestIdIsKeptAndEchoed() {
        RawHttp.Response res = RawHttp.exchange(port, request("X-Request-Id: nginx-4bf92f35.77b3:4da6\r\n"));

        assertThat(res.body(), containsString(" nginx-4bf92f35.77b3:4da6"));
        assertThat(res.head(), containsString("X-Request-Id: nginx-4bf92f35.77b3:4da6"));
    }

    @Test
    void aMissingOrMalformedRequestIdIsReplacedByANewOne() {
        String none = RawHttp.exchange(port, request("")).body();
        String other = RawHttp.exchange(port, request("")).body();
        String forged = RawHttp.exchange(port, request("X-Request-Id: id with spaces \"quoted\" ]\r\n")).body();
        String tooLong = RawHttp.exchange(port, request("X-Request-Id: " + "a".repeat(129) + "\r\n")).body();

        for (String body : new String[] {none, other, forged, tooLong}) {
            assertThat(body, body.matches("127\\.0\\.0\\.1 http [0-9a-f]{32}"), is(true));
        }
        assertThat(none, not(is(other)));
    }

    private String whoami(String headers) {
        return RawHttp.exchange(port, request(headers)).body();
    }

    private static String request(String headers) {
        return "GET /whoami HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n";
    }

    private static org.hamcrest.Matcher<String> startsWith(String prefix) {
        return org.hamcrest.Matchers.startsWith(prefix);
    }
}
