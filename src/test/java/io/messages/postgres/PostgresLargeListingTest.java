package io.messages.postgres;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.db.Engine;
import io.messages.testing.ChildJvm;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * A listing far larger than the heap, read by several clients at once, on PostgreSQL: its driver
 * reads a whole result into memory unless asked for a cursor, which is what took a 96 MiB JVM
 * down before. Here a 64 MiB child JVM serves eight 15 MB listings at once, byte for byte; and the
 * listing's queries read a large table through its indexes, sorting nothing.
 */
class PostgresLargeListingTest {
    private static final int MESSAGES = 300_000;
    private static final int READERS = 8;

    @Test
    void eightConcurrentListingsOf300000MessagesCompleteByteExactInA64MiBHeap() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        int port = ChildJvm.freePort();
        int admin = ChildJvm.freePort();
        Path output = Files.createTempFile("large-listing", ".log");
        Process child = new ProcessBuilder(ChildJvm.command(ChildJvm.Launch.CLASSPATH, "-Xmx64m",
                                                            "-XX:+ExitOnOutOfMemoryError",
                                                            "-Dserver.port=" + port,
                                                            "-Dserver.sockets.0.port=" + admin,
                                                            "-Dmessages.warm-up.enabled=false",
                                                            "-Ddb.connection.url=" + url))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            assertThat(ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
            String expected = fill(url);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Future<String>> readers = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < READERS; i++) {
                    readers.add(pool.submit(() -> listingDigest(http, port)));
                }
                for (Future<String> reader : readers) {
                    assertThat(reader.get(120, TimeUnit.SECONDS), is(expected));
                }
            }
            assertThat("the service is still running", child.isAlive(), is(true));
            assertThat(Files.readString(output), not(containsString("OutOfMemoryError")));
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void listingsQueriesWalkTheIndexesOfALargeTableAndSortNothing() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Config db = TestConfig.of(Map.of("db.connection.url", url)).get("db");
        Engine.open(db).close();   // the schema
        fill(url);
        try (Connection connection = DriverManager.getConnection(url)) {
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE messages");
            }
            // A kept listing's snapshot, taken after every message was written.
            String snapshot;
            try (Statement now = connection.createStatement();
                 ResultSet row = now.executeQuery("SELECT CAST(pg_current_snapshot() AS text)")) {
                row.next();
                snapshot = row.getString(1);
            }
            // What a listing reads: its version and the messages (whole, or a chunk after an id),
            // and the check of a kept listing. Sorting the table first made every large listing
            // wait for the whole table to be sorted, on disk, before its first byte.
            for (String name : List.of("select-listing-version", "select-messages-after", "select-listing-unseen")) {
                String plan = plan(connection, db.get("statements").get(name).asString().get(),
                                   name.equals("select-messages-after") ? List.of(0L, Long.MAX_VALUE)
                                           : name.equals("select-listing-unseen") ? List.of(snapshot, snapshot) : List.of());
                assertThat(name + ":\n" + plan, plan, not(containsString("Seq Scan on messages ")));
                if (!name.equals("select-listing-unseen")) {
                    assertThat(name + ":\n" + plan, plan, not(containsString("Sort")));
                }
            }
        }
    }

    private static String plan(Connection connection, String sql, List<Object> parameters) throws Exception {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                explain.setObject(i + 1, parameters.get(i));
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    // Inserts the messages (about 50 bytes each) and returns the digest of the listing they make.
    private static String fill(String url) throws Exception {
        try (Connection db = DriverManager.getConnection(url)) {
            try (Statement insert = db.createStatement()) {
                insert.execute("INSERT INTO messages (value) SELECT 'message ' || x || ' ' || repeat('é', 18)"
                                       + " FROM generate_series(1, " + MESSAGES + ") x");
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("Here are your list of messages: ".getBytes(StandardCharsets.UTF_8));
            db.setAutoCommit(false);
            try (PreparedStatement select = db.prepareStatement("SELECT value FROM messages ORDER BY id")) {
                select.setFetchSize(10_000);
                try (ResultSet rows = select.executeQuery()) {
                    boolean first = true;
                    while (rows.next()) {
                        if (!first) {
                            digest.update((byte) '\n');
                        }
                        digest.update(rows.getString(1).getBytes(StandardCharsets.UTF_8));
                        first = false;
                    }
                }
            }
            db.commit();
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static String listingDigest(HttpClient http, int port) throws Exception {
        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                                          .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode(), is(200));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream body = res.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
