package io.messages.http;

import java.nio.charset.StandardCharsets;
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

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * What the clients and proxies in front of a service send besides HTTP/1.1 GETs, over raw
 * sockets with their exact bytes: HTTP/1.0 (nginx's default upstream protocol, HAProxy's health
 * check, ApacheBench), {@code HEAD} ({@code curl -I}), {@code OPTIONS}. Each is served as RFC 9110
 * and 9112 say, and the strict framing of {@link FramingTest} is unchanged around them.
 */
@ServerTest
@OnDatabase(SQLITE)
class OldClientsAndHeadTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Engine engine;
    private final int port;

    OldClientsAndHeadTest(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void http10RequestAsNginxProxiesItIsServedWithALengthAndTheConnectionClosed() {
        // nginx's bare proxy_pass, byte for byte.
        Conversation c = RawHttp.converse(port, "GET /record?msg=via-nginx HTTP/1.0\r\nHost: 127.0.0.1:8080\r\n"
                + "Connection: close\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n", false, WAIT);

        assertThat(c.responses(), hasSize(1));
        assertThat(c.responses().getFirst().status(), is(200));
        assertThat(c.responses().getFirst().body(), is("Recorded: via-nginx"));
        assertThat(c.responses().getFirst().head(), containsString("Content-Length: 19"));
        assertThat(c.responses().getFirst().head(), containsString("Connection: close"));
        assertThat("the server closed the connection", c.closed(), is(true));
        assertThat(Rows.values(engine), hasItem("via-nginx"));
    }

    @Test
    void http10RequestWithoutHostAsHaproxyChecksIsServedAndClosed() {
        Conversation c = RawHttp.converse(port, "GET / HTTP/1.0\r\n\r\n", false, WAIT);

        assertThat(c.responses(), hasSize(1));
        assertThat(c.responses().getFirst().status(), is(200));
        assertThat(c.responses().getFirst().body(), startsWith("Here are your list of messages: "));
        assertThat(c.responses().getFirst().head(), not(containsString("Transfer-Encoding")));
        assertThat(c.closed(), is(true));
    }

    @Test
    void http10KeepAliveAsApacheBenchSendsItKeepsTheConnectionAndSaysSo() {
        String request = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 127.0.0.1\r\nUser-Agent: ApacheBench/2.3\r\n"
                + "Accept: */*\r\n\r\n";

        Conversation c = RawHttp.converse(port, request + request + request, false, Duration.ofSeconds(2));

        assertThat(c.responses(), hasSize(3));
        for (RawHttp.Response response : c.responses()) {
            assertThat(response.status(), is(200));
            assertThat(response.head(), containsString("Connection: keep-alive"));
            assertThat(response.head(), containsString("Content-Length: "));
        }
        assertThat("the connection stays open for more", c.closed(), is(false));
    }

    @Test
    void http10WithExpectContinueGetsNoInterimResponse() {
        // RFC 9110 10.1.1: an HTTP/1.0 client's 100-continue expectation is ignored.
        Conversation c = RawHttp.converse(port, "POST /record HTTP/1.0\r\nExpect: 100-continue\r\n"
                + FramingTest.FORM + "Content-Length: 10\r\n\r\nmsg=oldpst", false, WAIT);

        assertThat(c.responses(), hasSize(1));
        assertThat(c.responses().getFirst().body(), is("Recorded: oldpst"));
    }

    @Test
    void headOfTheListingHasGetsHeadersAndNoBody() {
        RawHttp.get(port, "/record?msg=for-head");
        RawHttp.Response get = RawHttp.get(port, "/");
        int length = get.body().getBytes(StandardCharsets.UTF_8).length;

        // HEAD then GET on one connection: exactly GET's head, then the GET's whole answer after it.
        String text = RawHttp.transcript(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", WAIT);

        String head = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        assertThat(head, startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(head, containsString("Content-Length: " + length + "\r\n"));
        assertThat(head, containsString("Content-Type: text/plain; charset=UTF-8\r\n"));
        assertThat(head, containsString("Cache-Control: no-cache\r\n"));
        assertThat("the GET's answer follows the head at once", text.substring(head.length()), startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(text, endsWith("\r\n\r\n" + new String(get.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void headOfRecordChecksTheInputAndStoresNothing() {
        long before = Rows.count(engine);

        String ok = RawHttp.transcript(port, "HEAD /record?msg=hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", WAIT);
        String bad = RawHttp.transcript(port, "HEAD /record?msg= HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", WAIT);

        assertThat(ok, startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(ok, containsString("Content-Length: 15\r\n"));
        assertThat("no body", ok, endsWith("\r\n\r\n"));
        assertThat(bad, startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertThat("no body", bad, endsWith("\r\n\r\n"));
        assertThat(Rows.count(engine), is(before));
    }

    @Test
    void http10HeadGetsTheHeadAloneAndTheConnectionClosed() {
        String text = RawHttp.transcript(port, "HEAD / HTTP/1.0\r\nHost: localhost\r\n\r\n", WAIT);

        assertThat(text, startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(text, containsString("Connection: close\r\n"));
        assertThat("no body, and the server closed the connection", text, endsWith("\r\n\r\n"));
    }

    @Test
    void optionsSaysWhichMethodsEachPathTakes() {
        RawHttp.Response list = RawHttp.exchange(port, "OPTIONS / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        RawHttp.Response record = RawHttp.exchange(port, "OPTIONS /record HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(list.status(), is(204));
        assertThat(list.head(), containsString("Allow: GET, HEAD, OPTIONS"));
        assertThat(record.status(), is(204));
        assertThat(record.head(), containsString("Allow: GET, HEAD, POST, OPTIONS"));
    }

    @Test
    void everyAnswerSaysNosniffErrorsAndJsonIncluded() {
        for (String request : new String[] {
                "GET /nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /record HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: localhost\r\nHost: again\r\n\r\n"}) {
            RawHttp.Response res = RawHttp.exchange(port, request);
            assertThat(request, res.head(), containsString("X-Content-Type-Options: nosniff"));
        }
    }

    @Test
    void aBadPageParameterIsNamedWithoutEchoingWhatWasSent() {
        RawHttp.Response res = RawHttp.get(port, "/?limit=1%0D%0AX-Evil:%1B%5B31m");

        assertThat(res.status(), is(400));
        assertThat(res.body(), is("limit must be a whole number from 1 to 1000"));
    }
}
