package io.messages.message;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;
import io.messages.listing.Listing;
import io.messages.testing.ReadYourWrites;
import io.messages.testing.Rows;
import io.messages.testing.TestService;
import io.messages.web.TransactionFilter;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The listing stays exact while cached and streams when large, on every database (a subclass
 * each), on a server set up as production's ({@code @ServerTest}) with a test route beside the
 * production ones.
 */
@ServerTest
abstract class ListingTest {
    /** The keep budget each subclass sets ({@code messages.listing.keep}): small, so that streaming is reached. */
    static final int KEEP = 1 << 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Engine engine;
    private int port;

    // Each test starts from an empty table.
    @BeforeEach
    void emptyTable(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
        Rows.clear(engine);
    }

    /** The production routing, then a test route that renames a message within the request's transaction. */
    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
        routing.get("/test/rename", (req, res) -> {
            TransactionFilter.transactionOf(req).write().dml("UPDATE messages SET value = ? WHERE value = ?",
                                                   req.query().get("to"), req.query().get("from"));
            res.send("renamed");
        });
    }

    @Test
    void everyListingShowsEveryWriteAcknowledgedBeforeItBegan() throws Exception {
        ReadYourWrites.Outcome outcome = ReadYourWrites.run(port, 8, 8, 40);

        assertThat(outcome.acknowledged().size(), is(8 * 40));
        assertThat("acknowledged before a listing began, but not in it", outcome.missed(), is(empty()));
    }

    @Test
    void listingLargerThanTheKeepBudgetStreamsExactly() throws Exception {
        String big = "x".repeat(4000);
        int count = KEEP / big.length() + 50;
        StringBuilder expected = new StringBuilder(Listing.PREFIX);
        for (int i = 0; i < count; i++) {
            engine.client().execute().namedGet("insert-message", i + big);
            expected.append(i == 0 ? "" : "\n").append(i).append(big);
        }

        HttpResponse<String> res = get("/");

        assertThat(res.statusCode(), is(200));
        assertThat("streamed, not sized in advance", res.headers().firstValue("Content-Length").isEmpty(), is(true));
        assertThat(res.body().length(), greaterThan(KEEP));
        assertThat(res.body().equals(expected.toString()), is(true));
        assertThat(get("/record?msg=after").statusCode(), is(200));
        assertThat(get("/").body().endsWith("\nafter"), is(true));
    }

    @Test
    void keptListingIsExtendedByAppendsAndReadAgainAfterOtherWrites() throws Exception {
        get("/record?msg=a");
        get("/record?msg=b");
        assertThat(get("/").body(), is(Listing.PREFIX + "a\nb"));

        get("/record?msg=c");
        String appended = get("/").body();
        get("/test/rename?from=b&to=B");
        String updated = get("/").body();
        get("/record?msg=d");
        String appendedAgain = get("/").body();

        assertThat(appended, is(Listing.PREFIX + "a\nb\nc"));
        assertThat(updated, is(Listing.PREFIX + "a\nB\nc"));
        assertThat(appendedAgain, is(Listing.PREFIX + "a\nB\nc\nd"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
