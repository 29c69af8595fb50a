package io.messages.message;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.messages.db.RequestTransaction;
import io.messages.testing.ReadYourWrites;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestServers;
import io.messages.testing.TestServers.Served;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/** The listing stays exact while cached and streams when large, on every database. */
class ListingTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void everyListingShowsEveryWriteAcknowledgedBeforeItBegan(TestDatabase database) throws Exception {
        Served served = TestServers.of("listing", database);

        ReadYourWrites.Outcome outcome = ReadYourWrites.run(served.port(), 8, 8, 40);

        assertThat(outcome.acknowledged().size(), is(8 * 40));
        assertThat("acknowledged before a listing began, but not in it", outcome.missed(), is(empty()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void listingLargerThanTheCacheLimitStreamsExactly(TestDatabase database) throws Exception {
        Served served = TestServers.of("large-listing", database);
        Rows.clear(served.engine());
        String big = "x".repeat(4000);
        int count = Listing.CACHE_LIMIT / big.length() + 50;
        StringBuilder expected = new StringBuilder(Listing.PREFIX);
        for (int i = 0; i < count; i++) {
            served.engine().client().execute().namedGet("insert-message", i + big);
            expected.append(i == 0 ? "" : "\n").append(i).append(big);
        }

        HttpResponse<String> res = get(served, "/");

        assertThat(res.statusCode(), is(200));
        assertThat("streamed, not sized in advance", res.headers().firstValue("Content-Length").isEmpty(), is(true));
        assertThat(res.body().length(), greaterThan(Listing.CACHE_LIMIT));
        assertThat(res.body().equals(expected.toString()), is(true));
        assertThat(get(served, "/record?msg=after").statusCode(), is(200));
        assertThat(get(served, "/").body().endsWith("\nafter"), is(true));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void keptListingIsExtendedByAppendsAndReadAgainAfterOtherWrites(TestDatabase database) throws Exception {
        Served served = TestServers.of("listing-changes", database, routing -> routing.get("/test/rename", (req, res) -> {
            RequestTransaction.of(req).write().dml("UPDATE messages SET value = ? WHERE value = ?",
                                                   req.query().get("to"), req.query().get("from"));
            res.send("renamed");
        }));
        Rows.clear(served.engine());
        get(served, "/record?msg=a");
        get(served, "/record?msg=b");
        assertThat(get(served, "/").body(), is(Listing.PREFIX + "a\nb"));

        get(served, "/record?msg=c");
        String appended = get(served, "/").body();
        get(served, "/test/rename?from=b&to=B");
        String updated = get(served, "/").body();
        get(served, "/record?msg=d");
        String appendedAgain = get(served, "/").body();

        assertThat(appended, is(Listing.PREFIX + "a\nb\nc"));
        assertThat(updated, is(Listing.PREFIX + "a\nB\nc"));
        assertThat(appendedAgain, is(Listing.PREFIX + "a\nB\nc\nd"));
    }

    private HttpResponse<String> get(Served served, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + served.port() + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
