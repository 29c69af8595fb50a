package io.messages.message;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestServers;
import io.messages.testing.TestServers.Served;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Pages and JSON, additive to the recipe's texts, on every database. */
class PagingAndJsonTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Served withFive(TestDatabase database) throws Exception {
        Served served = TestServers.of("paging", database);
        Rows.clear(served.engine());
        for (String msg : List.of("a", "b", "c", "d", "e")) {
            get(served, "/record?msg=" + msg, "*/*");
        }
        return served;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void textPagesFollowTheirNextLinksThroughEveryMessageOnce(TestDatabase database) throws Exception {
        Served served = withFive(database);
        List<String> seen = new ArrayList<>();
        String path = "/?limit=2";
        while (path != null) {
            HttpResponse<String> page = get(served, path, "*/*");
            assertThat(page.statusCode(), is(200));
            String body = page.body();
            assertThat(body.startsWith("Here are your list of messages: "), is(true));
            String values = body.substring("Here are your list of messages: ".length());
            if (!values.isEmpty()) {
                seen.addAll(List.of(values.split("\n")));
            }
            path = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
        }

        assertThat(seen, is(List.of("a", "b", "c", "d", "e")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void jsonListingHasIdsValuesAndANextPageOnlyWhileFull(TestDatabase database) throws Exception {
        Served served = withFive(database);

        HttpResponse<String> first = get(served, "/?limit=3", "application/json");
        String next = first.body().replaceAll(".*\"next\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> second = get(served, next, "application/json");

        assertThat(first.headers().firstValue("Content-Type").orElse(""), containsString("application/json"));
        assertThat(first.body(), first.body().matches(
                "\\{\"messages\":\\[\\{\"id\":\\d+,\"value\":\"a\"},\\{\"id\":\\d+,\"value\":\"b\"},"
                        + "\\{\"id\":\\d+,\"value\":\"c\"}],\"next\":\"/\\?after=\\d+&limit=3\"}"), is(true));
        assertThat(second.body(), second.body().matches(
                "\\{\"messages\":\\[\\{\"id\":\\d+,\"value\":\"d\"},\\{\"id\":\\d+,\"value\":\"e\"}],\"next\":null}"),
                   is(true));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void jsonRecordAnswersTheStoredIdAndValue(TestDatabase database) throws Exception {
        Served served = withFive(database);

        HttpResponse<String> res = get(served, "/record?msg=json%20%E2%9C%93", "application/json");

        assertThat(res.statusCode(), is(200));
        assertThat(res.body(), res.body().matches("\\{\"id\":\\d+,\"value\":\"json ✓\"}"), is(true));
        assertThat(Rows.values(served.engine()).getLast(), is("json ✓"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void plainTextStaysTheAnswerForAnyOtherAccept(TestDatabase database) throws Exception {
        Served served = withFive(database);

        for (String accept : List.of("*/*", "text/html,application/xhtml+xml,*/*;q=0.8", "text/plain",
                                     "application/json;q=0.5, text/plain")) {
            HttpResponse<String> res = get(served, "/", accept);
            assertThat(accept, res.body(), is("Here are your list of messages: a\nb\nc\nd\ne"));
        }
    }

    static Stream<Arguments> badPages() {
        return Stream.of(TestDatabase.values()).flatMap(database -> Stream.of(
                arguments(database, "/?limit=0", "limit must be a whole number from 1 to 1000"),
                arguments(database, "/?limit=1001", "limit must be a whole number from 1 to 1000"),
                arguments(database, "/?limit=ten", "limit must be a whole number"),
                arguments(database, "/?after=-1", "after must be a whole number from 0"),
                arguments(database, "/?after=1.5", "after must be a whole number"),
                arguments(database, "/?limit=1&limit=2", "limit must be given once")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badPages")
    void badPagingParametersAreAClear400(TestDatabase database, String path, String says) throws Exception {
        Served served = TestServers.of("paging", database);

        HttpResponse<String> text = get(served, path, "*/*");
        HttpResponse<String> json = get(served, path, "application/json");

        assertThat(text.statusCode(), is(400));
        assertThat(text.body(), containsString(says));
        assertThat(json.statusCode(), is(400));
    }

    private HttpResponse<String> get(Served served, String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + served.port() + path))
                                 .header("Accept", accept).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
