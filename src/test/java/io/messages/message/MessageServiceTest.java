package io.messages.message;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * The recipe's two routes and their texts, on every database (a subclass each), through the
 * production routing in memory ({@code @RoutingTest}). What needs the production HTTP/1 settings
 * or exact bytes on a socket (a message at the limit, {@code +} in a query) is in
 * {@link BadInputTest}.
 */
@RoutingTest
abstract class MessageServiceTest {
    private Http1Client client;
    private Engine engine;

    // Each test starts from an empty table.
    @BeforeEach
    void emptyTable(TestService service, Http1Client client) {
        this.client = client;
        this.engine = service.engine();
        Rows.clear(engine);
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
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
    void bothTextsArePlainTextInUtf8AndNotSniffable() {
        for (ClientResponseTyped<String> res : java.util.List.of(
                client.get("/").request(String.class),
                client.get("/record").queryParam("msg", "<b>x</b>").request(String.class))) {
            assertThat(res.headers().get(HeaderNames.CONTENT_TYPE).get(), is("text/plain; charset=UTF-8"));
            assertThat(res.headers().get(HeaderNames.create("X-Content-Type-Options")).get(), is("nosniff"));
        }
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
}
