package io.messages.message;

import java.net.URI;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.db.Engine;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestServer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

@ServerTest
class MessageServiceTest {
    private static Engine engine;

    private final Http1Client client;
    private final int port;

    MessageServiceTest(Http1Client client, URI uri) {
        this.client = client;
        this.port = uri.getPort();
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        engine = TestServer.serve(server);
    }

    @BeforeEach
    void emptyTable() {
        Rows.clear(engine);
    }

    @Test
    void listingOfEmptyTableIsThePrefixAlone() {
        ClientResponseTyped<String> res = client.get("/").request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Here are your list of messages: "));
    }

    @Test
    void recordStoresMessageAndEchoesIt() {
        ClientResponseTyped<String> res = client.get("/record").queryParam("msg", "hello").request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Recorded: hello"));
        assertThat(Rows.values(engine), contains("hello"));
    }

    @Test
    void listingJoinsMessagesInInsertionOrderWithNewlines() {
        for (String msg : new String[] {"first", "second", "third"}) {
            client.get("/record").queryParam("msg", msg).request(String.class);
        }

        String body = client.get("/").requestEntity(String.class);

        assertThat(body, is("Here are your list of messages: first\nsecond\nthird"));
    }

    @Test
    void listingIsPlainTextInUtf8AndNotSniffable() {
        ClientResponseTyped<String> res = client.get("/").request(String.class);

        assertThat(res.headers().get(HeaderNames.CONTENT_TYPE).get(), is("text/plain; charset=UTF-8"));
        assertThat(res.headers().get(HeaderNames.create("X-Content-Type-Options")).get(), is("nosniff"));
    }

    @Test
    void unicodeMessageRoundTripsByteForByte() {
        String msg = "héllo wörld ✓ 日本語 🎉";

        String recorded = client.get("/record").queryParam("msg", msg).requestEntity(String.class);
        String listing = client.get("/").requestEntity(String.class);

        assertThat(recorded, is("Recorded: " + msg));
        assertThat(listing, is("Here are your list of messages: " + msg));
    }

    @Test
    void plusAndPercentEscapesDecodeLikeAForm() {
        RawHttp.Response res = RawHttp.get(port, "/record?msg=a+b%2Bc%26d");

        assertThat(res.status(), is(200));
        assertThat(res.body(), is("Recorded: a b+c&d"));
    }

    @Test
    void postedFormIsRecordedLikeAQuery() {
        ClientResponseTyped<String> res = client.post("/record")
                .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                .submit("msg=from+a+form+%E2%9C%93", String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Recorded: from a form ✓"));
        assertThat(Rows.values(engine), contains("from a form ✓"));
    }

    @Test
    void injectionStringIsStoredVerbatim() {
        String msg = "'); DROP TABLE messages; --";

        client.get("/record").queryParam("msg", msg).request(String.class);

        assertThat(Rows.values(engine), contains(msg));
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        String msg = "é".repeat(MessageLimits.DEFAULT.maxMessageBytes() / 2);

        ClientResponseTyped<String> res = client.get("/record").queryParam("msg", msg).request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(Rows.count(engine), is(1L));
    }
}
