package io.messages.message;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Pages and JSON, additive to the recipe's texts, on every database (a subclass each), through
 * the production routing in memory ({@code @RoutingTest}).
 */
@RoutingTest
abstract class PagingAndJsonTest {
    private Http1Client client;
    private Engine engine;

    // Each test starts from five messages.
    @BeforeEach
    void withFive(TestService service, Http1Client client) {
        this.client = client;
        this.engine = service.engine();
        Rows.clear(engine);
        for (String msg : List.of("a", "b", "c", "d", "e")) {
            get("/record?msg=" + msg, "*/*");
        }
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void textPagesFollowTheirNextLinksThroughEveryMessageOnce() {
        List<String> seen = new ArrayList<>();
        String path = "/?limit=2";
        while (path != null) {
            ClientResponseTyped<String> page = get(path, "*/*");
            assertThat(page.status().code(), is(200));
            String body = page.entity();
            assertThat(body.startsWith("Here are your list of messages: "), is(true));
            String values = body.substring("Here are your list of messages: ".length());
            if (!values.isEmpty()) {
                seen.addAll(List.of(values.split("\n")));
            }
            path = page.headers().first(HeaderNames.LINK).map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
        }

        assertThat(seen, is(List.of("a", "b", "c", "d", "e")));
    }

    @Test
    void jsonListingHasIdsValuesAndANextPageOnlyWhileFull() {
        ClientResponseTyped<String> first = get("/?limit=3", "application/json");
        String next = first.entity().replaceAll(".*\"next\":\"([^\"]+)\".*", "$1");
        ClientResponseTyped<String> second = get(next, "application/json");

        assertThat(first.headers().first(HeaderNames.CONTENT_TYPE).orElse(""), containsString("application/json"));
        assertThat(first.entity(), first.entity().matches(
                "\\{\"messages\":\\[\\{\"id\":\\d+,\"value\":\"a\"},\\{\"id\":\\d+,\"value\":\"b\"},"
                        + "\\{\"id\":\\d+,\"value\":\"c\"}],\"next\":\"/\\?after=\\d+&limit=3\"}"), is(true));
        assertThat(second.entity(), second.entity().matches(
                "\\{\"messages\":\\[\\{\"id\":\\d+,\"value\":\"d\"},\\{\"id\":\\d+,\"value\":\"e\"}],\"next\":null}"),
                   is(true));
    }

    @Test
    void jsonRecordAnswersTheStoredIdAndValue() {
        ClientResponseTyped<String> res = get("/record?msg=json%20%E2%9C%93", "application/json");

        assertThat(res.status().code(), is(200));
        assertThat(res.entity(), res.entity().matches("\\{\"id\":\\d+,\"value\":\"json ✓\"}"), is(true));
        assertThat(Rows.values(engine).getLast(), is("json ✓"));
    }

    @Test
    void plainTextStaysTheAnswerForAnyOtherAccept() {
        for (String accept : List.of("*/*", "text/html,application/xhtml+xml,*/*;q=0.8", "text/plain",
                                     "application/json;q=0.5, text/plain")) {
            ClientResponseTyped<String> res = get("/", accept);
            assertThat(accept, res.entity(), is("Here are your list of messages: a\nb\nc\nd\ne"));
        }
    }

    static Stream<Arguments> badPages() {
        return Stream.of(
                arguments("/?limit=0", "limit must be a whole number from 1 to 1000"),
                arguments("/?limit=1001", "limit must be a whole number from 1 to 1000"),
                arguments("/?limit=ten", "limit must be a whole number"),
                arguments("/?after=-1", "after must be a whole number from 0"),
                arguments("/?after=1.5", "after must be a whole number"),
                arguments("/?limit=1&limit=2", "limit must be given once"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPages")
    void badPagingParametersAreAClear400(String path, String says) {
        ClientResponseTyped<String> text = get(path, "*/*");
        ClientResponseTyped<String> json = get(path, "application/json");

        assertThat(text.status().code(), is(400));
        assertThat(text.entity(), containsString(says));
        assertThat(json.status().code(), is(400));
    }

    // The query as parameters: DirectClient (@RoutingTest) sends a query written into the path as
    // part of the path, which no route matches.
    private ClientResponseTyped<String> get(String pathAndQuery, String accept) {
        URI uri = URI.create(pathAndQuery);
        Http1ClientRequest request = client.get(uri.getRawPath()).header(HeaderNames.ACCEPT, accept);
        if (uri.getRawQuery() != null) {
            UriQuery query = UriQuery.create(uri.getRawQuery());
            for (String name : query.names()) {
                request.queryParam(name, query.all(name).toArray(String[]::new));
            }
        }
        return request.request(String.class);
    }
}
