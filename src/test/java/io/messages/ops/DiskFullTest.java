package io.messages.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.Http;
import io.messages.testing.Scrape;
import io.messages.testing.SmallVolume;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * The disk holding the SQLite database fills up for real (a small tmpfs): writes answer 503 with
 * {@code Retry-After}, never 500, never a hang; reads keep serving everything committed;
 * readiness is DOWN and says the disk is full; once space comes back, writes succeed again
 * within a second without a restart, and after a restart every acknowledged message is there and
 * the file is intact.
 */
class DiskFullTest {
    private static final String LISTING = "Here are your list of messages: ";
    // About a page of the database per message, so that a few hundred fill the space left.
    private static final String PAD = "-" + "x".repeat(900);
    private static final int SPACE_LEFT = 192 * 1024;

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {false, true})
    void writesAnswer503WhileTheDiskIsFullAndRecoverWithinASecondWithoutARestart(boolean groupCommit) throws Exception {
        try (SmallVolume volume = SmallVolume.mount(3)) {
            Config config = config(volume, groupCommit);
            List<String> acknowledged = new ArrayList<>();
            Service service = Main.start(config);
            String pool = "pool=\"" + config.get("db.connection.poolName").asString().get() + "\"";
            try {
                double refusedBefore = scrape(service).value("messages_db_unavailable_total");
                volume.fillLeaving(SPACE_LEFT);
                List<HttpResponse<String>> refused = new ArrayList<>();
                for (int i = 0; refused.size() < 5 && i < 5_000; i++) {
                    String msg = "m" + i + PAD;
                    HttpResponse<String> res = Http.get(service.port(), "/record?msg=" + msg);
                    assertThat(res.body(), res.statusCode() == 200 || res.statusCode() == 503, is(true));
                    if (res.statusCode() == 200) {
                        acknowledged.add(msg);
                    } else {
                        refused.add(res);
                    }
                }

                assertThat("the disk filled up", refused.size(), is(5));
                for (HttpResponse<String> res : refused) {
                    assertThat(res.headers().firstValue("Retry-After").orElse(""), is("1"));
                    assertThat(res.body(), is("The database could not complete the request; nothing was stored. "
                            + "Try again later."));
                }
                assertThat(Http.get(service.port(), "/").body(), is(LISTING + String.join("\n", acknowledged)));
                HttpResponse<String> ready = Http.get(admin(service), "/observe/health/ready");
                assertThat(ready.statusCode(), is(503));
                assertThat(ready.body(), containsString("the disk holding the database is full"));
                assertThat(Http.get(admin(service), "/observe/health/live").statusCode(), is(200));
                // What the alerts read: the check that is DOWN, the refusals, the space left.
                Scrape full = scrape(service);
                assertThat(full.value("messages_ready", pool, "check=\"database-file\""), is(0.0));
                assertThat(full.value("messages_ready", pool, "check=\"database\""), is(1.0));
                assertThat(full.value("messages_db_unavailable_total") - refusedBefore, greaterThanOrEqualTo(5.0));
                assertThat(full.value("messages_db_volume_available_bytes", pool)
                                   / full.value("messages_db_volume_size_bytes", pool), lessThan(0.1));

                volume.freeUp();
                long freed = System.nanoTime();
                String after = "after-space-came-back";
                while (Http.get(service.port(), "/record?msg=" + after).statusCode() != 200) {
                    assertThat("writes recover within a second", elapsedMillis(freed), lessThan(1_000L));
                    Thread.sleep(20);
                }
                acknowledged.add(after);
                assertThat(Http.get(admin(service), "/observe/health/ready").statusCode(), is(200));
                assertThat(scrape(service).value("messages_ready", pool, "check=\"database-file\""), is(1.0));
            } finally {
                service.stop();
            }
            assertEverythingAcknowledgedSurvivesARestart(config, acknowledged);
        }
    }

    @Test
    void thirtyTwoWritersFillingTheDiskUnderGroupCommitLoseNothingAcknowledgedAndKeepNothingRefused() throws Exception {
        try (SmallVolume volume = SmallVolume.mount(3)) {
            Config config = config(volume, true);
            Set<String> acknowledged;
            Set<String> refused;
            Service service = Main.start(config);
            try (Writers writers = Writers.start(service.port(), 32, Duration.ZERO, (w, i) -> "w" + w + "-" + i + PAD)) {
                volume.fillLeaving(SPACE_LEFT);
                assertThat("the disk filled up",
                           Writers.await(() -> writers.refused().size() >= 100, Duration.ofSeconds(30)), is(true));
                writers.stop();

                assertThat(writers.unexpected(), is(empty()));
                acknowledged = new HashSet<>(writers.acknowledged());
                refused = writers.refused();
                assertThat(Http.listedMessages(service.port()), is(acknowledged));

                volume.freeUp();
                long freed = System.nanoTime();
                while (Http.get(service.port(), "/record?msg=after").statusCode() != 200) {
                    assertThat("writes recover within a second", elapsedMillis(freed), lessThan(1_000L));
                    Thread.sleep(20);
                }
                acknowledged.add("after");
            } finally {
                service.stop();
            }
            Service restarted = Main.start(config);
            try {
                Set<String> listed = Http.listedMessages(restarted.port());
                assertThat(listed, is(acknowledged));
                assertThat("a refused write was kept", listed.stream().filter(refused::contains).toList(), is(empty()));
            } finally {
                restarted.stop();
            }
            assertThat(SqliteFile.integrityCheck(db(volume)), is("ok"));
        }
    }

    private static void assertEverythingAcknowledgedSurvivesARestart(Config config, List<String> acknowledged)
            throws Exception {
        Service restarted = Main.start(config);
        try {
            assertThat(Http.get(restarted.port(), "/").body(), is(LISTING + String.join("\n", acknowledged)));
        } finally {
            restarted.stop();
        }
        assertThat(SqliteFile.integrityCheck(Path.of(config.get("db.connection.url").asString().get().substring("jdbc:sqlite:".length()))),
                   is("ok"));
    }



    private static Config config(SmallVolume volume, boolean groupCommit) {
        return TestConfig.sqlite(db(volume), Map.of("db.group-commit.enabled", String.valueOf(groupCommit)));
    }

    private static Path db(SmallVolume volume) {
        return volume.dir().resolve("messages.db");
    }

    private static int admin(Service service) {
        return service.server().port("admin");
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static Scrape scrape(Service service) throws Exception {
        return new Scrape(Http.get(admin(service), "/observe/metrics").body());
    }
}
