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

import io.messages.testing.Outside;
import io.messages.testing.ReadYourWrites;
import io.messages.testing.Rows;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestServers;
import io.messages.testing.TestServers.Served;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Writers the service does not know about (an operator's {@code sqlite3} or {@code psql} on the
 * same database): whatever they change, the next listing, text and JSON, shows exactly what the
 * database holds, whether or not the service wrote in between; the kept listing is never served
 * once it is not what the database holds.
 */
class OutsideWritersTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Stream<Arguments> outsideWrites() {
        List<Arguments> all = new ArrayList<>();
        for (TestDatabase database : TestDatabase.values()) {
            String deleteAll = database == TestDatabase.POSTGRES ? "TRUNCATE messages" : "DELETE FROM messages";
            for (boolean serviceWritesBetween : new boolean[] {false, true}) {
                all.add(arguments(database, "DELETE one", "DELETE FROM messages WHERE value = 'b'",
                                  List.of("a", "c"), serviceWritesBetween));
                all.add(arguments(database, "UPDATE one", "UPDATE messages SET value = 'B' WHERE value = 'b'",
                                  List.of("a", "B", "c"), serviceWritesBetween));
                all.add(arguments(database, "INSERT one", "INSERT INTO messages (value) VALUES ('outside')",
                                  List.of("a", "b", "c", "outside"), serviceWritesBetween));
                all.add(arguments(database, "DELETE all", deleteAll, List.of(), serviceWritesBetween));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}, the service writing in between: {4}")
    @MethodSource("outsideWrites")
    void nextListingShowsWhatAnotherWriterChanged(TestDatabase database, String name, String sql, List<String> expected,
                                                  boolean serviceWritesBetween) throws Exception {
        Served served = TestServers.of("outside-writers", database);
        Rows.clear(served.engine());
        for (String msg : List.of("a", "b", "c")) {
            assertThat(get(served, "/record?msg=" + msg).statusCode(), is(200));
        }
        assertThat("kept", get(served, "/").body(), is(text(List.of("a", "b", "c"))));

        Outside.execute(served.engine(), sql);
        List<String> now = new ArrayList<>(expected);
        if (serviceWritesBetween) {
            assertThat(get(served, "/record?msg=d").statusCode(), is(200));
            now.add("d");
        }

        assertThat(get(served, "/").body(), is(text(now)));
        assertThat(get(served, "/").body(), is(text(now)));
        assertThat(values(get(served, "/", "application/json").body()), is(now));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "SQLITE")
    void outsideInsertWithALowerIdThanTheKeptListingsLastIsListedInItsPlace(TestDatabase database) throws Exception {
        Served served = TestServers.of("outside-writers-ids", database);
        Rows.clear(served.engine());
        for (String msg : List.of("a", "b", "c")) {
            get(served, "/record?msg=" + msg);
        }
        Outside.execute(served.engine(), "DELETE FROM messages WHERE value = 'b'");
        assertThat(get(served, "/").body(), is(text(List.of("a", "c"))));

        // The freed id again: nothing after the kept listing's last id, yet a new message.
        Outside.execute(served.engine(), "INSERT INTO messages (id, value) SELECT id + 1, 'b2' FROM messages WHERE value = 'a'");

        assertThat(get(served, "/").body(), is(text(List.of("a", "b2", "c"))));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void listingsStayExactAndShowEveryAcknowledgedWriteWhileTheServiceAndAnotherWriterWriteAndReadersRead(
            TestDatabase database) throws Exception {
        Served served = TestServers.of("outside-writers-concurrent", database);
        Rows.clear(served.engine());
        // Another writer: 200 inserts of its own, and renames of them (updates) now and then.
        Callable<Void> outside = () -> {
            for (int i = 0; i < 200; i++) {
                Outside.execute(served.engine(), "INSERT INTO messages (value) VALUES ('outside-" + i + "')");
                if (i % 5 == 4) {
                    Outside.execute(served.engine(), "UPDATE messages SET value = 'renamed-" + i + "' WHERE value = 'outside-"
                            + (i - 2) + "'");
                }
                Thread.sleep(5);
            }
            return null;
        };

        ReadYourWrites.Outcome outcome = ReadYourWrites.run(served.port(), 4, 4, 30, outside);

        assertThat("acknowledged before a listing began, but not in it", outcome.missed(), is(empty()));
        assertThat(get(served, "/").body(), is(text(Rows.values(served.engine()))));
    }

    private static String text(List<String> values) {
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

    private HttpResponse<String> get(Served served, String path) throws Exception {
        return get(served, path, "text/plain");
    }

    private HttpResponse<String> get(Served served, String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + served.port() + path))
                                 .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }
}
