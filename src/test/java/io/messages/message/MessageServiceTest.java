package io.messages.message;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestServers;
import io.messages.testing.TestServers.Served;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/** The recipe's two routes and their texts, on every database. */
class MessageServiceTest {

    // Each test starts from an empty table.
    private static Served served(TestDatabase database) {
        Served served = TestServers.of("messages", database);
        Rows.clear(served.engine());
        return served;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void listingOfEmptyTableIsThePrefixAlone(TestDatabase database) {
        ClientResponseTyped<String> res = served(database).client().get("/").request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Here are your list of messages: "));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void recordStoresMessageAndEchoesIt(TestDatabase database) {
        Served served = served(database);

        ClientResponseTyped<String> res = served.client().get("/record").queryParam("msg", "hello").request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Recorded: hello"));
        assertThat(Rows.values(served.engine()), contains("hello"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void listingJoinsMessagesInInsertionOrderWithNewlines(TestDatabase database) {
        Http1Client client = served(database).client();
        for (String msg : new String[] {"first", "second", "third"}) {
            client.get("/record").queryParam("msg", msg).request(String.class);
        }

        String body = client.get("/").requestEntity(String.class);

        assertThat(body, is("Here are your list of messages: first\nsecond\nthird"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void bothTextsArePlainTextInUtf8AndNotSniffable(TestDatabase database) {
        Http1Client client = served(database).client();
        for (ClientResponseTyped<String> res : java.util.List.of(
                client.get("/").request(String.class),
                client.get("/record").queryParam("msg", "<b>x</b>").request(String.class))) {
            assertThat(res.headers().get(HeaderNames.CONTENT_TYPE).get(), is("text/plain; charset=UTF-8"));
            assertThat(res.headers().get(HeaderNames.create("X-Content-Type-Options")).get(), is("nosniff"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void unicodeMessageRoundTripsByteForByte(TestDatabase database) {
        Http1Client client = served(database).client();
        String msg = "héllo wörld ✓ 日本語 🎉";

        String recorded = client.get("/record").queryParam("msg", msg).requestEntity(String.class);
        String listing = client.get("/").requestEntity(String.class);

        assertThat(recorded, is("Recorded: " + msg));
        assertThat(listing, is("Here are your list of messages: " + msg));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void plusAndPercentEscapesDecodeLikeAForm(TestDatabase database) {
        RawHttp.Response res = RawHttp.get(served(database).port(), "/record?msg=a+b%2Bc%26d");

        assertThat(res.status(), is(200));
        assertThat(res.body(), is("Recorded: a b+c&d"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void postedFormIsRecordedLikeAQuery(TestDatabase database) {
        Served served = served(database);

        ClientResponseTyped<String> res = served.client().post("/record")
                .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                .submit("msg=from+a+form+%E2%9C%93", String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(res.entity(), is("Recorded: from a form ✓"));
        assertThat(Rows.values(served.engine()), contains("from a form ✓"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void injectionStringIsStoredVerbatim(TestDatabase database) {
        Served served = served(database);
        String msg = "'); DROP TABLE messages; --";

        served.client().get("/record").queryParam("msg", msg).request(String.class);

        assertThat(Rows.values(served.engine()), contains(msg));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void messageOfExactlyTheLimitIsAccepted(TestDatabase database) {
        Served served = served(database);
        String msg = "é".repeat(MessageLimits.DEFAULT.maxMessageBytes() / 2);

        ClientResponseTyped<String> res = served.client().get("/record").queryParam("msg", msg).request(String.class);

        assertThat(res.status(), is(Status.OK_200));
        assertThat(Rows.values(served.engine()), contains(msg));
    }
}
