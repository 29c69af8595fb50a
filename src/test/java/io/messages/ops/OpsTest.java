package io.messages.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.RawHttp;
import io.messages.testing.Scrape;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Health, metrics and the admin socket of the whole service, started as {@code Main} does. */
class OpsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path dir = TestConfig.tempDir().resolve("data");
    private final Path db = dir.resolve("messages.db");
    private Service service;
    private String poolName = "";

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void healthIsServedOnTheAdminPortOnlyAndReportsTheDatabaseChecks() throws Exception {
        start(Map.of());

        HttpResponse<String> ready = get(adminPort(), "/observe/health/ready");

        assertThat(ready.statusCode(), is(200));
        assertThat(ready.body(), containsString("{\"name\":\"database\",\"status\":\"UP\",\"data\":{\"reachable\":true}}"));
        assertThat(ready.body(), containsString("\"name\":\"database-file\",\"status\":\"UP\""));
        assertThat(get(adminPort(), "/observe/health/live").statusCode(), is(200));
        assertThat(get(adminPort(), "/observe/health").statusCode(), is(200));
        assertThat(get(service.port(), "/observe/health").statusCode(), is(404));
        assertThat(get(service.port(), "/observe/metrics").statusCode(), is(404));
    }

    @Test
    void configSwitchServesHealthAndMetricsOnTheMainPort() throws Exception {
        start(Map.of("server.features.observe.sockets.0", "@default"));

        assertThat(get(service.port(), "/observe/health/ready").statusCode(), is(200));
        assertThat(get(service.port(), "/observe/metrics").statusCode(), is(200));
    }

    @Test
    void metricsMoveWithRequestsTransactionsAndRecordedMessages() throws Exception {
        start(Map.of());
        Scrape before = scrape();

        get(service.port(), "/record?msg=counted");
        get(service.port(), "/?limit=10");
        get(service.port(), "/record?msg=");
        String record2xx = "http_server_requests_seconds_count";
        // A request is timed once its response is sent (whenSent), which may be just after the
        // client has read it: scrape until all three are in (then each must have moved by one).
        Scrape after = scrape();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!allMoved(before, after) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = scrape();
        }

        assertThat(after.value(record2xx, "route=\"/record\"", "status=\"2xx\"")
                           - before.value(record2xx, "route=\"/record\"", "status=\"2xx\""), is(1.0));
        assertThat(after.value(record2xx, "route=\"/record\"", "status=\"4xx\"")
                           - before.value(record2xx, "route=\"/record\"", "status=\"4xx\""), is(1.0));
        assertThat(after.value(record2xx, "route=\"/\"", "status=\"2xx\"")
                           - before.value(record2xx, "route=\"/\"", "status=\"2xx\""), is(1.0));
        assertThat(after.value("messages_recorded_total") - before.value("messages_recorded_total"), is(1.0));
        String pool = "pool=\"" + poolName + "\"";
        assertThat(after.value("messages_transactions_total", pool, "outcome=\"committed\""), is(2.0));
        assertThat(after.value("messages_db_pool_connections", pool, "state=\"total\""), greaterThan(0.0));
        assertThat(after.text(), containsString("messages_db_pool_connections{pool=\"" + poolName + "\""));
        // What the alerts and the dashboard read (k8s/components/monitoring).
        assertThat(after.value("messages_ready", pool, "check=\"database\""), is(1.0));
        assertThat(after.value("messages_ready", pool, "check=\"database-file\""), is(1.0));
        assertThat(after.value("messages_db_volume_size_bytes", pool), greaterThan(0.0));
        assertThat(after.value("messages_db_volume_available_bytes", pool), both(greaterThan(0.0))
                .and(lessThan(after.value("messages_db_volume_size_bytes", pool) + 1)));
        assertThat(after.text(), containsString("messages_db_unavailable_total"));
        assertThat(after.text(), containsString("jvm_uptime_seconds"));
    }

    @Test
    void accessLogWritesOneCommonLogFormatLinePerPublicRequestAndCanBeTurnedOff() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            start(Map.of("messages.access-log.enabled", "true"));
            get(service.port(), "/record?msg=h%C3%A9llo");
            get(service.port(), "/record?msg=");
            get(adminPort(), "/observe/health");
            List<String> lines = awaitLines(captured, 2);
            assertThat(lines.toString(), lines.size(), is(2));
            assertThat(lines.toString(), anyMatches(lines, "127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] "
                    + "\"GET /record\\?msg=h%C3%A9llo HTTP/1\\.1\" 200 16 \\d+ [0-9a-f]{32}"), is(true));
            assertThat(lines.toString(), anyMatches(lines, ".*\"GET /record\\?msg= HTTP/1\\.1\" 400 \\d+ \\d+ [0-9a-f]{32}"), is(true));
            service.stop();

            captured.reset();
            start(Map.of("messages.access-log.enabled", "false"));
            get(service.port(), "/record?msg=quiet");
            assertThat(awaitLines(captured, 1), is(List.of()));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theAdminPortServesHttp10HealthChecksAndHeadAsLoadBalancersSendThem() {
        start(Map.of());

        // HAProxy's option httpchk, byte for byte: HTTP/1.0, no Host, nothing else.
        RawHttp.Conversation check = RawHttp.converse(adminPort(), "GET /observe/health/ready HTTP/1.0\r\n\r\n", false,
                                                      java.time.Duration.ofSeconds(5));
        String heads = RawHttp.transcript(adminPort(), "HEAD /observe/metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "HEAD /observe/health/live HTTP/1.0\r\n\r\n", java.time.Duration.ofSeconds(5));

        assertThat(check.responses().size(), is(1));
        assertThat(check.responses().getFirst().status(), is(200));
        assertThat(check.responses().getFirst().head(), not(containsString("Transfer-Encoding")));
        assertThat(check.responses().getFirst().body(), containsString("\"status\":\"UP\""));
        assertThat(check.closed(), is(true));
        // Two heads, one after the other, and nothing else: no body of either.
        assertThat(heads, heads.split("HTTP/1\\.1 200 OK\r\n", -1).length, is(3));
        assertThat(heads, startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(heads.substring(0, heads.indexOf("\r\n\r\n")), containsString("Content-Type: text/plain"));
        assertThat(heads.substring(heads.indexOf("\r\n\r\n") + 4), startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(heads, endsWith("\r\n\r\n"));
    }

    private static boolean anyMatches(List<String> lines, String regex) {
        return lines.stream().anyMatch(line -> line.matches(regex));
    }

    // The access log's lines written so far, once count are there or after a second; and no
    // more than that after a moment.
    private static List<String> awaitLines(ByteArrayOutputStream captured, int count) throws InterruptedException {
        for (int i = 0; i < 50 && lines(captured).size() < count; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        return lines(captured);
    }

    private static List<String> lines(ByteArrayOutputStream captured) {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" - - [")).toList();
    }

    private void start(Map<String, String> overrides) {
        var config = TestConfig.sqlite(db, overrides);
        poolName = config.get("db.connection.poolName").asString().get();
        service = Main.start(config);
    }

    private int adminPort() {
        return service.server().port("admin");
    }

    // Whether /record 2xx, /record 4xx and / 2xx have each been counted since before.
    private static boolean allMoved(Scrape before, Scrape after) {
        String count = "http_server_requests_seconds_count";
        return List.of(List.of("route=\"/record\"", "status=\"2xx\""), List.of("route=\"/record\"", "status=\"4xx\""),
                       List.of("route=\"/\"", "status=\"2xx\"")).stream()
                .allMatch(labels -> after.value(count, labels.get(0), labels.get(1)) > before.value(count, labels.get(0), labels.get(1)));
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> res = get(adminPort(), "/observe/metrics");
        assertThat(res.statusCode(), is(200));
        return new Scrape(res.body());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
