package io.messages.message;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.listing.Listing;
import io.messages.testing.Outside;
import io.messages.testing.ReadYourWrites;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Writers the service does not know about (an operator's {@code sqlite3} or {@code psql} on the
 * same database): whatever they change, the next listing, text and JSON, shows exactly what the
 * database holds, whether or not the service wrote in between; the kept listing is never served
 * once it is not what the database holds. On a server set up as production's ({@code @ServerTest}),
 * on every database (a subclass each).
 */
@ServerTest
abstract class OutsideWritersTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestDatabase database;
    private Engine engine;
    private int port;

    // Each test starts from an empty table.
    @BeforeEach
    void emptyTable(TestService service, WebServer server) {
        this.database = service.database();
        this.engine = service.engine();
        this.port = server.port();
        Rows.clear(engine);
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    static Stream<Arguments> outsideWrites() {
        List<Arguments> all = new ArrayList<>();
        for (boolean serviceWritesBetween : new boolean[] {false, true}) {
            all.add(arguments("DELETE one", "DELETE FROM messages WHERE value = 'b'", List.of("a", "c"),
                              serviceWritesBetween));
            all.add(arguments("UPDATE one", "UPDATE messages SET value = 'B' WHERE value = 'b'", List.of("a", "B", "c"),
                              serviceWritesBetween));
            all.add(arguments("INSERT one", "INSERT INTO messages (value) VALUES ('outside')",
                              List.of("a", "b", "c", "outside"), serviceWritesBetween));
            all.add(arguments("DELETE all", null, List.of(), serviceWritesBetween));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, the service writing in between: {3}")
    @MethodSource("outsideWrites")
    void nextListingShowsWhatAnotherWriterChanged(String name, @Nullable String sql, List<String> expected,
                                                  boolean serviceWritesBetween) throws Exception {
        for (String msg : List.of("a", "b", "c")) {
            assertThat(get("/record?msg=" + msg).statusCode(), is(200));
        }
        assertThat("kept", get("/").body(), is(text(List.of("a", "b", "c"))));

        // All of them: each database's own way, as its command-line client would.
        String deleteAll = database == TestDatabase.POSTGRES ? "TRUNCATE messages" : "DELETE FROM messages";
        Outside.execute(engine, sql == null ? deleteAll : sql);
        List<String> now = new ArrayList<>(expected);
        if (serviceWritesBetween) {
            assertThat(get("/record?msg=d").statusCode(), is(200));
            now.add("d");
        }

        assertThat(get("/").body(), is(text(now)));
        assertThat(get("/").body(), is(text(now)));
        assertThat(values(get("/", "application/json").body()), is(now));
    }

    @Test
    void listingsStayExactAndShowEveryAcknowledgedWriteWhileTheServiceAndAnotherWriterWriteAndReadersRead()
            throws Exception {
        // Another writer: 200 inserts of its own, and renames of them (updates) now and then.
        Callable<Void> outside = () -> {
            for (int i = 0; i < 200; i++) {
                Outside.execute(engine, "INSERT INTO messages (value) VALUES ('outside-" + i + "')");
                if (i % 5 == 4) {
                    Outside.execute(engine, "UPDATE messages SET value = 'renamed-" + i + "' WHERE value = 'outside-"
                            + (i - 2) + "'");
                }
                Thread.sleep(5);
            }
            return null;
        };

        ReadYourWrites.Outcome outcome = ReadYourWrites.run(port, 4, 4, 30, outside);

        assertThat("acknowledged before a listing began, but not in it", outcome.missed(), is(empty()));
        assertThat(get("/").body(), is(text(Rows.values(engine))));
    }

    /** The database behind the server. */
    Engine engine() {
        return engine;
    }

    /** The listing as text. */
    static String text(List<String> values) {
        return Listing.PREFIX + String.join("\n", values);
    }

    // The values of a JSON page, in order.
    private static List<String> values(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject().getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                    .map(message -> message.getString("value"))
                    .toList();
        }
    }

    /** {@code GET path}, as text. */
    HttpResponse<String> get(String path) throws Exception {
        return get(path, "text/plain");
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                 .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }
}
