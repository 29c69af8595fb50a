package io.messages.message;

import java.util.stream.Stream;

import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The hostile-input catalogue: each malformed or hostile request gets its expected status, the
 * server stays healthy, and the row count changes only for valid writes. Exact bytes on a socket
 * to a server set up as production's ({@code @ServerTest}), on every database (a subclass each);
 * with them, what of the recipe's routes needs the same: a message at the limit, {@code +} in a
 * query.
 */
@ServerTest
abstract class BadInputTest {
    private static final String TOO_LONG = "a".repeat(MessageLimits.DEFAULT.maxMessageBytes() + 1);
    private static final String TOO_LONG_IN_BYTES = "%C3%A9".repeat(MessageLimits.DEFAULT.maxMessageBytes() / 2) + "a";

    private Engine engine;
    private int port;

    @BeforeEach
    void talkTo(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("missing msg", get("/record"), 400, "msg is required"),
                arguments("other parameter only", get("/record?message=hi"), 400, "msg is required"),
                arguments("empty msg", get("/record?msg="), 400, "msg must not be empty"),
                arguments("msg without value", get("/record?msg"), 400, "msg must not be empty"),
                arguments("msg given twice", get("/record?msg=a&msg=b"), 400, "given once"),
                arguments("longer than the limit", get("/record?msg=" + TOO_LONG), 400, "the limit is 4096"),
                arguments("longer than the limit in UTF-8 bytes", get("/record?msg=" + TOO_LONG_IN_BYTES), 400,
                          "4097 bytes of UTF-8"),
                arguments("non-hex escape", get("/record?msg=%zz"), 400, "%XX escapes"),
                arguments("truncated escape", get("/record?msg=ab%4"), 400, "%XX escapes"),
                arguments("lone percent", get("/record?msg=100%"), 400, "%XX escapes"),
                arguments("invalid UTF-8 byte", get("/record?msg=%FF"), 400, "not valid UTF-8"),
                arguments("truncated UTF-8 sequence", get("/record?msg=%C3"), 400, "not valid UTF-8"),
                arguments("overlong UTF-8 for '/'", get("/record?msg=%C0%AF"), 400, "not valid UTF-8"),
                arguments("UTF-8 encoded surrogate", get("/record?msg=%ED%A0%80"), 400, "not valid UTF-8"),
                arguments("line feed", get("/record?msg=a%0Ab"), 400, "control characters"),
                arguments("carriage return", get("/record?msg=a%0Db"), 400, "control characters"),
                arguments("NUL", get("/record?msg=a%00b"), 400, "control characters"),
                arguments("tab", get("/record?msg=a%09b"), 400, "control characters"),
                arguments("DEL", get("/record?msg=a%7Fb"), 400, "control characters"),
                arguments("C1 control (NEL)", get("/record?msg=a%C2%85b"), 400, "control characters"),
                arguments("line separator U+2028", get("/record?msg=a%E2%80%A8b"), 400, "line or paragraph separators"),
                arguments("paragraph separator U+2029", get("/record?msg=a%E2%80%A9b"), 400, "line or paragraph separators"),
                arguments("right-to-left override U+202E", get("/record?msg=a%E2%80%AEb"), 400, "bidirectional controls"),
                arguments("left-to-right embedding U+202A", get("/record?msg=a%E2%80%AAb"), 400, "bidirectional controls"),
                arguments("first strong isolate U+2068", get("/record?msg=a%E2%81%A8b"), 400, "bidirectional controls"),
                arguments("pop directional isolate U+2069", get("/record?msg=a%E2%81%A9b"), 400, "bidirectional controls"),
                arguments("form with wrong content type",
                          post("/record", "application/json", "{\"msg\":\"hi\"}"), 415, "x-www-form-urlencoded"),
                arguments("form without msg", post("/record", "application/x-www-form-urlencoded", "other=1"), 400,
                          "msg is required"),
                arguments("form with raw non-ASCII byte",
                          post("/record", "application/x-www-form-urlencoded", "msg=caf\u00e9"), 400, "percent-encoded"),
                arguments("unknown path", get("/nothing-here"), 404, ""),
                arguments("wrong method on /record", request("DELETE", "/record"), 405, "GET, HEAD, POST, OPTIONS"),
                arguments("wrong method on /", request("PUT", "/"), 405, "GET, HEAD, OPTIONS"),
                arguments("HEAD /record with bad input", request("HEAD", "/record?msg=a%0Ab"), 400, ""),
                arguments("request line over the limit", get("/record?msg=" + "a".repeat(17_000)), 414,
                          "longer than the server accepts"),
                arguments("headers over the limit", "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(17_000)
                        + "\r\n\r\n", 431, "headers are larger than the server accepts"),
                arguments("body over the limit", post("/record", "application/x-www-form-urlencoded",
                                                      "msg=" + "a".repeat(20_000)), 413, ""),
                arguments("HTTP/2.0 in an HTTP/1 request line",
                          "GET /record?msg=new HTTP/2.0\r\nHost: localhost\r\n\r\n", 400, "HTTP/1.1 and HTTP/1.0 only"),
                arguments("HTTP/1.0 with Transfer-Encoding (RFC 9112 6.1)", "POST /record HTTP/1.0\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "9\r\nmsg=chunk\r\n0\r\n\r\n", 400, "must not have Transfer-Encoding"),
                arguments("HTTP/1.0 with two Host headers", "GET /record?msg=hosts HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
                          400, "exactly one Host header"),
                arguments("page limit that is not a number, not echoed", get("/?limit=1%0D%0AX-Evil:%1B%5B31m"), 400,
                          "limit must be a whole number from 1 to 1000"),
                arguments("no Host header", "GET /record?msg=nohost HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
                          "exactly one Host header"),
                arguments("raw space in the query", get("/record?msg=a b"), 400, ""),
                arguments("raw control byte in the request line", get("/record?msg=a\u0001b"), 400, ""),
                arguments("garbage instead of a request line", "\u0016\u0003\u0001\u0000\u00a5\r\n\r\n", 400, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRejectedWithClear4xxAndStoresNothing(String name, String request, int status, String says) {
        long before = Rows.count(engine);

        RawHttp.Response res = RawHttp.exchange(port, request);

        assertThat(res.head(), res.status(), is(status));
        assertThat(res.body(), containsString(says));
        assertThat(Rows.count(engine), is(before));
        assertThat("the server stays healthy", RawHttp.get(port, "/").status(), is(200));
    }

    static Stream<Arguments> oddButValidWrites() {
        return Stream.of(
                arguments("SQL injection string, stored verbatim", get("/record?msg=%27%29%3B%20DROP%20TABLE%20messages%3B--"),
                          "'); DROP TABLE messages;--"),
                arguments("HTML, stored verbatim", get("/record?msg=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
                          "<script>alert(1)</script>"),
                arguments("percent-encoded parameter name", get("/record?m%73g=named"), "named"),
                arguments("other parameters around msg", get("/record?a=1&msg=among&b=2"), "among"),
                arguments("chunked form body", "POST /record HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "9\r\nmsg=chunk\r\n0\r\n\r\n", "chunk"),
                arguments("form content type with charset", post("/record",
                          "application/x-www-form-urlencoded; charset=UTF-8", "msg=charset"), "charset"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddButValidWrites")
    void oddButValidWriteIsStoredExactlyOnce(String name, String request, String stored) {
        long before = Rows.count(engine);

        RawHttp.Response res = RawHttp.exchange(port, request);

        assertThat(res.head(), res.status(), is(200));
        assertThat(res.body(), is("Recorded: " + stored));
        assertThat(Rows.count(engine), is(before + 1));
        assertThat(Rows.values(engine).getLast(), is(stored));
    }

    // Helidon's client sends a + in a query as %20: only exact bytes show how + is read.
    @Test
    void plusAndPercentEscapesDecodeLikeAForm() {
        RawHttp.Response res = RawHttp.get(port, "/record?msg=a+b%2Bc%26d");

        assertThat(res.status(), is(200));
        assertThat(res.body(), is("Recorded: a b+c&d"));
    }

    // Its request line is longer than Helidon's default limit: it needs the production HTTP/1 settings.
    @Test
    void messageOfExactlyTheLimitIsAccepted(Http1Client client) {
        Rows.clear(engine);
        String msg = "é".repeat(MessageLimits.DEFAULT.maxMessageBytes() / 2);

        ClientResponseTyped<String> res = client.get("/record").queryParam("msg", msg).request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(Rows.values(engine), contains(msg));
    }

    private static String get(String target) {
        return request("GET", target);
    }

    private static String request(String method, String target) {
        return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    }

    private static String post(String target, String contentType, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }
}
