package io.messages.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Requests whose HTTP/1.1 framing (RFC 9112 sections 2-7) is invalid or ambiguous, over raw
 * sockets: each gets exactly one response, a fixed one-sentence {@code text/plain} 4xx that
 * never echoes the request, the connection is closed after it, and nothing is stored. Framing
 * does not depend on the database, so SQLite serves. Requests that stop arriving are in
 * {@link FramingTimeoutsTest}.
 */
@ServerTest
@OnDatabase(SQLITE)
class FramingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    static final String FORM = "Content-Type: application/x-www-form-urlencoded\r\n";

    private final Engine engine;
    private final int port;

    FramingTest(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    static Stream<Arguments> invalidFraming() {
        return Stream.of(
                // chunked bodies
                arguments("chunk size not hexadecimal", chunked("zz\r\nmsg=smuggled\r\n0\r\n\r\n"), 400, "chunked body"),
                arguments("chunk size with a sign", chunked("+c\r\nmsg=smuggled\r\n0\r\n\r\n"), 400, "chunked body"),
                arguments("chunk size that overflows 64 bits", chunked("1FFFFFFFFFFFFFFFFF\r\nmsg=smuggled\r\n0\r\n\r\n"),
                          413, "larger than the server accepts"),
                arguments("chunk data not followed by CRLF", chunked("c\r\nmsg=smuggledXX0\r\n\r\n"), 400, "chunked body"),
                arguments("chunk size line ending in a bare LF", chunked("c\nmsg=smuggled\r\n0\r\n\r\n"), 400, "CRLF"),
                arguments("last chunk missing, then the client ends", chunked("c\r\nmsg=smuggled\r\n"), 400,
                          "ended in the middle"),
                arguments("trailer without a colon", chunked("c\r\nmsg=smuggled\r\n0\r\nnot a field\r\n\r\n"), 400,
                          "header must be"),
                arguments("trailer folded onto a second line", chunked("c\r\nmsg=smuggled\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"),
                          400, "header must be"),
                arguments("trailer section over the header limit",
                          chunked("c\r\nmsg=smuggled\r\n0\r\nX-T: " + "t".repeat(17_000) + "\r\n\r\n"), 431,
                          "headers are larger"),
                // Content-Length
                arguments("body shorter than its Content-Length, then the client ends",
                          post("Content-Length: 40\r\n", "msg=smuggled"), 400, "ended in the middle"),
                arguments("two different Content-Length values",
                          post("Content-Length: 12\r\nContent-Length: 5\r\n", "msg=smuggled"), 400, "Content-Length"),
                arguments("the same Content-Length twice",
                          post("Content-Length: 12\r\nContent-Length: 12\r\n", "msg=smuggled"), 400, "Content-Length"),
                arguments("a list of Content-Length values", post("Content-Length: 12, 12\r\n", "msg=smuggled"), 400,
                          "Content-Length"),
                arguments("Content-Length with a sign", post("Content-Length: +12\r\n", "msg=smuggled"), 400,
                          "Content-Length"),
                arguments("negative Content-Length", post("Content-Length: -1\r\n", "c\r\nmsg=smuggled\r\n0\r\n\r\n"),
                          400, "Content-Length"),
                arguments("Content-Length that is not a number", post("Content-Length: twelve\r\n", "msg=smuggled"), 400,
                          "Content-Length"),
                arguments("Content-Length together with Transfer-Encoding",
                          post("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "c\r\nmsg=smuggled\r\n0\r\n\r\n"),
                          400, "both Content-Length and Transfer-Encoding"),
                // Transfer-Encoding
                arguments("unknown transfer coding alone", post("Transfer-Encoding: gzip\r\n", "msg=smuggled"), 400,
                          "must end with chunked"),
                arguments("unknown transfer coding before chunked",
                          post("Transfer-Encoding: gzip, chunked\r\n", "c\r\nmsg=smuggled\r\n0\r\n\r\n"), 501,
                          "Only the chunked transfer coding"),
                arguments("chunked twice", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                                                "c\r\nmsg=smuggled\r\n0\r\n\r\n"), 400, "must end with chunked"),
                arguments("chunked not last", post("Transfer-Encoding: chunked, identity\r\n",
                                                   "c\r\nmsg=smuggled\r\n0\r\n\r\n"), 400, "must end with chunked"),
                // request line and headers
                arguments("method that is not a token", "G(T /record?msg=smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                          "request line"),
                arguments("empty method", " /record?msg=smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line"),
                arguments("two spaces after the method", "GET  /record?msg=smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                          "request line"),
                arguments("header name that is not a token", get("X(A: b\r\n"), 400, "header must be"),
                arguments("whitespace before the colon", get("X-A : b\r\n"), 400, "header must be"),
                arguments("empty header name", get(": b\r\n"), 400, "header must be"),
                arguments("obsolete line folding", get("X-A: b\r\n c\r\n"), 400, "header must be"),
                arguments("control character in a header value", get("X-A: b\u0001c\r\n"), 400, "header must be"),
                arguments("bare LF line endings", "GET /record?msg=smuggled HTTP/1.1\nHost: x\n\n", 400, "CRLF"),
                arguments("bare CR inside a header", get("X-A: b\rc\r\n"), 400, "CRLF"),
                arguments("bare LF inside a header value", get("X-A: b\nc\r\n"), 400, "CRLF"),
                arguments("two Host headers", get("Host: y\r\n"), 400, "exactly one Host"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFraming")
    void invalidFramingGetsOneFixed4xxThenTheConnectionIsClosedAndNothingIsStored(String name, String request,
                                                                                  int status, String says) {
        long before = Rows.count(engine);

        Conversation answer = RawHttp.converse(port, request, true, WAIT);

        assertThat(name + ": exactly one response", answer.responses(), hasSize(1));
        RawHttp.Response response = answer.responses().getFirst();
        assertThat(response.head(), response.status(), is(status));
        assertThat(response.head(), containsString("Content-Type: text/plain"));
        assertThat(response.body(), containsString(says));
        assertThat("one sentence", response.body().indexOf(". "), is(-1));
        assertThat("never echoes the request", response.body(), not(containsString("smuggled")));
        assertThat("the connection is closed after it", answer.closed(), is(true));
        assertThat(Rows.count(engine), is(before));
    }

    static Stream<Arguments> oddButValidFraming() {
        return Stream.of(
                arguments("chunk extension", chunked("d;name=value\r\nmsg=chunk-ext\r\n0\r\n\r\n"), "chunk-ext"),
                arguments("a valid trailer", chunked("d\r\nmsg=trailered\r\n0\r\nX-Checksum: 1\r\n\r\n"), "trailered"),
                arguments("Transfer-Encoding in capitals", post("Transfer-Encoding: Chunked\r\n",
                                                                "c\r\nmsg=capitals\r\n0\r\n\r\n"), "capitals"),
                arguments("body in several chunks", chunked("4\r\nmsg=\r\n5\r\nsplit\r\n0\r\n\r\n"), "split"),
                arguments("empty lines before the request line", "\r\n\r\n" + get(""), "blank-lead"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddButValidFraming")
    void oddButValidFramingIsServedAndStoredOnce(String name, String request, String stored) {
        long before = Rows.count(engine);

        Conversation answer = RawHttp.converse(port, request, false, Duration.ofMillis(500));

        assertThat(answer.responses(), hasSize(1));
        assertThat(answer.responses().getFirst().head(), answer.responses().getFirst().status(), is(200));
        assertThat(answer.responses().getFirst().body(), is("Recorded: " + stored));
        assertThat(Rows.count(engine), is(before + 1));
    }

    @Test
    void validRequestPipelinedBeforeAnInvalidOneIsAnsweredThenTheConnectionCloses() {
        long before = Rows.count(engine);
        String valid = "GET /record?msg=first HTTP/1.1\r\nHost: x\r\n\r\n";

        Conversation answer = RawHttp.converse(
                port, valid + post("Content-Length: 12\r\nContent-Length: 5\r\n", "msg=smuggled"), false, WAIT);

        assertThat(answer.responses().stream().map(RawHttp.Response::status).toList(), contains(200, 400));
        assertThat(answer.closed(), is(true));
        assertThat(Rows.count(engine), is(before + 1));
    }

    @Test
    void requestThatAsksToCloseIsAnsweredAndItsConnectionClosed() {
        Conversation answer = RawHttp.converse(
                port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false, WAIT);

        assertThat(answer.responses().stream().map(RawHttp.Response::status).toList(), contains(200));
        assertThat("helidon-io/helidon#12324 worked around", answer.closed(), is(true));
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /record HTTP/1.1\r\nHost: x\r\n" + FORM + "Expect: 100-continue\r\n"
                    + "Content-Length: 12\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] expected = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

            assertThat(new String(in.readNBytes(expected.length), StandardCharsets.US_ASCII),
                       is("HTTP/1.1 100 Continue\r\n\r\n"));
            out.write("msg=continue".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII), is("HTTP/1.1 200"));
        }
    }

    private static String get(String headers) {
        String target = headers.isEmpty() ? "/record?msg=blank-lead" : "/record?msg=smuggled";
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
    }

    static String post(String framing, String body) {
        return "POST /record HTTP/1.1\r\nHost: x\r\n" + FORM + framing + "\r\n" + body;
    }

    private static String chunked(String body) {
        return post("Transfer-Encoding: chunked\r\n", body);
    }
}
