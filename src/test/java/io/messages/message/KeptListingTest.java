package io.messages.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.zip.GZIPInputStream;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.listing.Listing;
import io.messages.testing.Outside;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The kept listing at sizes well past a mebibyte, its entity tag and its gzip form, on every
 * database (a subclass each): conditional GETs answered 304 at the cost of a check, a tag that
 * moves with every change whoever made it, a gzip form that stays the listing byte for byte as
 * inserts extend it, and a listing of 300,000 messages kept and still exact after an outside update.
 */
@ServerTest
abstract class KeptListingTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Engine engine;
    private int port;

    @BeforeEach
    void emptyTable(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
        Rows.clear(engine);
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void aListingTheClientHasIsAnswered304WithoutABodyAndANewOneWithANewTag() throws Exception {
        get("/record?msg=one");
        HttpResponse<String> first = get("/", "Accept-Encoding", "identity");
        String tag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> same = get("/", "If-None-Match", tag);
        HttpResponse<String> any = get("/", "If-None-Match", "*");
        get("/record?msg=two");
        HttpResponse<String> changed = get("/", "If-None-Match", tag);

        assertThat(tag, tag.matches("\"[0-9a-f]+\""), is(true));
        assertThat(first.headers().firstValue("Cache-Control").orElseThrow(), is("no-cache"));
        assertThat(same.statusCode(), is(304));
        assertThat(same.body(), is(""));
        assertThat(same.headers().firstValue("ETag").orElseThrow(), is(tag));
        assertThat(any.statusCode(), is(304));
        assertThat(changed.statusCode(), is(200));
        assertThat(changed.body(), is(Listing.PREFIX + "one\ntwo"));
        assertThat(changed.headers().firstValue("ETag").orElseThrow(), not(is(tag)));
    }

    @Test
    void anOutsideDeleteThenInsertGivesANewTagEvenWhereTheTextComesBackTheSame() throws Exception {
        get("/record?msg=one");
        get("/record?msg=two");
        String before = get("/").headers().firstValue("ETag").orElseThrow();

        Outside.execute(engine, "DELETE FROM messages WHERE value = 'two'");
        Outside.execute(engine, "INSERT INTO messages (value) VALUES ('two')");
        HttpResponse<String> after = get("/", "If-None-Match", before);

        assertThat(after.statusCode(), is(200));
        assertThat(after.body(), is(Listing.PREFIX + "one\ntwo"));
        assertThat(after.headers().firstValue("ETag").orElseThrow(), not(is(before)));
    }

    @Test
    void headAndNotModifiedCostACheckAndReadNoListing() throws Exception {
        get("/record?msg=one");
        String tag = get("/").headers().firstValue("ETag").orElseThrow();
        double read = listings("read") + listings("streamed");

        for (int i = 0; i < 5; i++) {
            assertThat(get("/", "If-None-Match", tag).statusCode(), is(304));
            String head = RawHttp.transcript(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                             java.time.Duration.ofSeconds(5));
            assertThat(head, containsString("ETag: " + tag + "\r\n"));
        }

        assertThat("no listing read whole for a HEAD or a 304", listings("read") + listings("streamed"), is(read));
    }

    @Test
    void theGzipFormIsTheListingByteForByteAsInsertsExtendIt() throws Exception {
        insert(2_000, "message number ");
        for (int round = 0; round < 6; round++) {
            HttpResponse<byte[]> gzip = getBytes("/", "Accept-Encoding", "gzip, deflate, br");
            HttpResponse<String> identity = get("/", "Accept-Encoding", "identity");

            assertThat(gzip.headers().firstValue("Content-Encoding").orElse("none"), is("gzip"));
            assertThat(gzip.headers().allValues("Vary").toString(), containsString("Accept-Encoding"));
            assertThat(identity.headers().firstValue("Content-Encoding").isPresent(), is(false));
            assertThat("round " + round, gunzip(gzip.body()), is(identity.body()));
            assertThat(gzip.body().length < identity.body().length() / 3, is(true));
            assertThat(gzip.headers().firstValue("ETag").orElseThrow(),
                       not(is(identity.headers().firstValue("ETag").orElseThrow())));
            get("/record?msg=added-in-round-" + round);
        }
        assertThat(get("/", "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding").isPresent(), is(false));
    }

    @Test
    void aPageTheClientHasIsAnswered304EvenAfterOtherCommitsAndANewWriteGivesItANewTag() throws Exception {
        get("/record?msg=one");
        for (String[] accept : new String[][] {{"Accept", "application/json"}, {"Accept", "text/plain"}}) {
            String path = "/?limit=10";
            HttpResponse<String> first = get(path, accept);
            String tag = first.headers().firstValue("ETag").orElseThrow();
            // A commit that changes no message (here a write to another table; on PostgreSQL it
            // moves every later snapshot, as autovacuum's and other services' commits do).
            Outside.execute(engine, "UPDATE flyway_schema_history SET success = success");

            HttpResponse<String> same = get(path, accept[0], accept[1], "If-None-Match", tag);
            Outside.execute(engine, "INSERT INTO messages (value) VALUES ('two-" + accept[1].length() + "')");
            HttpResponse<String> changed = get(path, accept[0], accept[1], "If-None-Match", tag);

            assertThat(accept[1], same.statusCode(), is(304));
            assertThat(same.body(), is(""));
            assertThat(changed.statusCode(), is(200));
            assertThat(changed.body(), containsString("two-"));
            assertThat(changed.headers().firstValue("ETag").orElseThrow(), not(is(tag)));
        }
    }

    @Test
    void aSmallListingIsNotCompressed() throws Exception {
        get("/record?msg=short");

        HttpResponse<String> res = get("/", "Accept-Encoding", "gzip");

        assertThat(res.headers().firstValue("Content-Encoding").isPresent(), is(false));
        assertThat(res.body(), is(Listing.PREFIX + "short"));
    }

    @Test
    void aListingOf300000MessagesIsKeptAndExactAfterAnOutsideUpdateOfOneRow() throws Exception {
        insert(300_000, "m");
        String whole = get("/").body();
        double read = listings("read");
        double streamed = listings("streamed");

        String again = get("/").body();
        double readAgain = listings("read");
        // An update (by anyone) cannot be appended: the listing is read again, exactly.
        Outside.execute(engine, "UPDATE messages SET value = 'changed' WHERE value = 'm150000'");
        String afterUpdate = get("/").body();

        assertThat(whole.length() > 2_000_000, is(true));
        assertThat(again.equals(whole), is(true));
        assertThat("kept: not read again", readAgain, is(read));
        assertThat("never streamed", listings("streamed"), is(streamed));
        assertThat(afterUpdate.equals(whole.replace("\nm150000\n", "\nchanged\n")), is(true));
    }

    @Test
    void aHeadOfAListingNotKeptYetReadsNoMoreThanAChunkAndKeepsNothing() throws Exception {
        insert(300_000, "m"); // ~2.2 MB: over a chunk, within the keep budget
        double streamed = listings("streamed");
        double read = listings("read");

        String head = RawHttp.transcript(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                         java.time.Duration.ofSeconds(10));
        HttpResponse<String> get = get("/");

        assertThat(head, containsString("Transfer-Encoding: chunked\r\n"));
        assertThat(head.endsWith("\r\n\r\n"), is(true));
        assertThat("the HEAD: one chunk, not kept", listings("streamed"), is(streamed + 1));
        assertThat("the GET after it reads the listing whole and keeps it", listings("read"), is(read + 1));
        assertThat(get.headers().firstValue("Content-Length").isPresent(), is(true));
    }

    // count messages "prefix0" .. "prefix<count-1>", in one transaction of a connection of its own.
    private void insert(int count, String prefix) throws SQLException {
        try (Connection connection = DriverManager.getConnection(engine.storage().location().url())) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (value) VALUES (?)")) {
                for (int i = 0; i < count; i++) {
                    insert.setString(1, prefix + i);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
        }
    }

    private static double listings(String source) {
        return Services.get(MeterRegistry.class).meters(m -> m.id().name().equals("messages.listings")
                        && source.equals(m.id().tagsMap().get("source")))
                .stream().mapToDouble(m -> ((Counter) m).count()).sum();
    }

    private static String gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).headers(headers).build(),
                         HttpResponse.BodyHandlers.ofByteArray());
    }
}
