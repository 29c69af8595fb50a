package io.messages.ops;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Http;
import io.messages.testing.Scrape;
import io.messages.testing.TestDatabase;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The warm-up before readiness: readiness waits for it, and it leaves nothing behind, neither in
 * the database nor in the service's metrics.
 */
class WarmUpTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void readinessWaitsForTheWarmUpWhichLeavesNoMessageAndNoMetric(TestDatabase database) throws Exception {
        Config config = database.config(Map.of("messages.warm-up.enabled", "true",
                                               "messages.warm-up.max-duration", "PT2S",
                                               "messages.warm-up.requests", "3000"));
        Service service = Main.start(config);
        try {
            int admin = service.server().port("admin");
            HttpResponse<String> early = Http.get(admin, "/observe/health/ready");
            Scrape before = metrics(admin);

            long started = System.nanoTime();
            while (Http.get(admin, "/observe/health/ready").statusCode() != 200) {
                assertThat("warmed up in time", System.nanoTime() - started, lessThan(TimeUnit.SECONDS.toNanos(10)));
                Thread.sleep(20);
            }
            Scrape after = metrics(admin);

            assertThat(early.statusCode(), is(503));
            assertThat(early.body(), containsString("{\"name\":\"warm-up\",\"status\":\"DOWN\""));
            assertThat("nothing stored", Http.get(service.port(), "/").body(), is("Here are your list of messages: "));
            String pool = "pool=\"" + config.get("db.connection.poolName").asString().get() + "\"";
            assertThat(after.value("messages_transactions_total", pool, "outcome=\"committed\""), is(0.0));
            assertThat(after.value("messages_transactions_total", pool, "outcome=\"rolled_back\""), is(0.0));
            assertThat(after.value("messages_db_commits_total", pool), is(0.0));
            for (String series : new String[] {"messages_recorded_total", "messages_listings_total",
                                               "http_server_requests_seconds_count"}) {
                assertThat(series, lines(after, series), is(lines(before, series)));
            }
            // And the service serves as usual afterwards.
            assertThat(Http.get(service.port(), "/record?msg=real").body(), is("Recorded: real"));
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: real"));
        } finally {
            service.stop();
        }
    }

    // Every series of a metric, with its value: the same before and after means nothing counted.
    private static java.util.List<String> lines(Scrape scrape, String name) {
        return scrape.text().lines().filter(line -> line.startsWith(name + "{")).sorted().toList();
    }

    private static Scrape metrics(int admin) {
        return new Scrape(Http.get(admin, "/observe/metrics").body());
    }
}
