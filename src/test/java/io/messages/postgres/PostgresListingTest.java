package io.messages.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.Scrape;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * The listing kept on PostgreSQL (message/SnapshotListing) is exact: every write committed
 * before a listing began is in it, through any instance, including a lower id that committed
 * after a higher one, and changes made outside the service; and it is served again or extended
 * rather than read whole while nothing else changed.
 */
class PostgresListingTest {
    private static final String LISTING = "Here are your list of messages: ";

    private String url;
    private Service a;
    private Service b;

    @BeforeEach
    void twoInstancesOnOneDatabase() {
        url = EmbeddedPostgresServer.newDatabase();
        a = Main.start(config());
        b = Main.start(config());
    }

    @AfterEach
    void stop() {
        a.stop();
        b.stop();
    }

    @Test
    void lowerIdCommittingAfterAHigherOneIsListedInIdOrderOnceCommitted() throws Exception {
        assertThat(Http.get(a.port(), "/record?msg=first").statusCode(), is(200));
        try (Connection slow = DriverManager.getConnection(url); Connection fast = DriverManager.getConnection(url)) {
            slow.setAutoCommit(false);
            slow.createStatement().execute("INSERT INTO messages (value) VALUES ('low id, committed last')");
            fast.createStatement().execute("INSERT INTO messages (value) VALUES ('high id, committed first')");

            assertThat(listing(a), is(LISTING + "first\nhigh id, committed first"));
            slow.commit();
        }

        assertThat(listing(a), is(LISTING + "first\nlow id, committed last\nhigh id, committed first"));
        assertThat(listing(a), is(truth()));
    }

    @Test
    void everyWriteAcknowledgedThroughOneInstanceIsListedByTheOther() {
        for (int i = 0; i < 100; i++) {
            Service writer = i % 2 == 0 ? a : b;
            Service reader = i % 2 == 0 ? b : a;
            assertThat(Http.get(writer.port(), "/record?msg=m" + i).statusCode(), is(200));
            assertThat("m" + i + " read back through the other instance", listing(reader).endsWith("\nm" + i)
                    || listing(reader).equals(LISTING + "m" + i), is(true));
        }
        assertThat(listing(a), is(truth()));
        assertThat(listing(b), is(truth()));
    }

    @Test
    void underConcurrentWritesThroughBothEveryListingHoldsEveryWriteAcknowledgedBeforeItBegan() throws Exception {
        ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
        try (Writers throughA = Writers.start(a.port(), 4, Duration.ZERO, (w, i) -> "a" + w + "-" + i);
             Writers throughB = Writers.start(b.port(), 4, Duration.ZERO, (w, i) -> "b" + w + "-" + i);
             ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> reading = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                Service reader = r % 2 == 0 ? a : b;
                reading.add(readers.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        Set<String> before = new HashSet<>(throughA.acknowledged());
                        before.addAll(throughB.acknowledged());
                        Set<String> listed = Http.listedMessages(reader.port());
                        before.removeAll(listed);
                        missing.addAll(before);
                    }
                    return null;
                }));
            }
            for (Future<?> reader : reading) {
                reader.get(60, TimeUnit.SECONDS);
            }
            assertThat(throughA.unexpected(), is(empty()));
            assertThat(throughB.unexpected(), is(empty()));
            assertThat(throughA.acknowledged().size() + throughB.acknowledged().size(), greaterThan(100));
        }
        assertThat("acknowledged before the listing began, yet not in it", List.copyOf(missing), is(empty()));
        assertThat(listing(a), is(truth()));
    }

    @Test
    void messagesChangedOrDeletedOutsideTheServiceAreSeenByTheNextListing() throws Exception {
        for (String msg : List.of("keep", "change", "drop")) {
            assertThat(Http.get(a.port(), "/record?msg=" + msg).statusCode(), is(200));
        }
        assertThat(listing(b), is(LISTING + "keep\nchange\ndrop"));

        execute("UPDATE messages SET value = 'changed' WHERE value = 'change'");
        assertThat(listing(b), is(LISTING + "keep\nchanged\ndrop"));
        execute("DELETE FROM messages WHERE value = 'drop'");
        assertThat(listing(b), is(LISTING + "keep\nchanged"));
        execute("TRUNCATE messages");
        assertThat(listing(b), is(LISTING));
    }

    @Test
    void listingIsServedAgainWhileNothingChangedAndExtendedByNewMessages() {
        assertThat(Http.get(a.port(), "/record?msg=one").statusCode(), is(200));
        listing(a);
        double kept = listings("kept");
        double extended = listings("extended");
        double read = listings("read");

        listing(a);
        listing(a);
        assertThat(Http.get(b.port(), "/record?msg=two").statusCode(), is(200));
        assertThat(listing(a), is(LISTING + "one\ntwo"));

        assertThat(listings("kept"), is(kept + 2));
        assertThat(listings("extended"), is(extended + 1));
        assertThat("nothing read whole", listings("read"), is(read));
    }

    private double listings(String source) {
        return new Scrape(Http.get(a.server().port("admin"), "/observe/metrics").body())
                .value("messages_listings_total", "source=\"" + source + "\"");
    }

    private static String listing(Service service) {
        return Http.get(service.port(), "/").body();
    }

    // What a fresh read of the database lists.
    private String truth() {
        StringBuilder text = new StringBuilder(LISTING);
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rows = connection.createStatement().executeQuery("SELECT value FROM messages ORDER BY id")) {
            boolean first = true;
            while (rows.next()) {
                text.append(first ? "" : "\n").append(rows.getString(1));
                first = false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private Config config() {
        return TestConfig.postgres(url, Map.of());
    }
}
