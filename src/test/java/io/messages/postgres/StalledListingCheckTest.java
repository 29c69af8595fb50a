package io.messages.postgres;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TcpProxy;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The listing's check of PostgreSQL runs on a connection of its own whose reads wait without a
 * timer each (db/ReadWatchdog): a server that stops answering mid-check still fails it at the
 * driver's {@code socketTimeout}, as every other read does, and the check works again once the
 * server answers.
 */
class StalledListingCheckTest {
    private static final Pattern PORT = Pattern.compile("//([^:/]+):(\\d+)/");
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void aCheckTheServerStopsAnsweringFailsAtTheSocketTimeoutAndTheNextOneAfterItAnswersAgainSucceeds() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Matcher server = PORT.matcher(url);
        assertThat(url, server.find(), is(true));
        try (TcpProxy link = TcpProxy.to(Integer.parseInt(server.group(2)))) {
            String linked = server.replaceFirst("//127.0.0.1:" + link.port() + "/");
            Service service = Main.start(TestConfig.postgres(linked, Map.of(
                    "db.connection.dataSource.socketTimeout", "3",
                    "messages.warm-up.enabled", "false")));
            try {
                assertThat(Http.get(service.port(), "/record?msg=kept").statusCode(), is(200));
                // The listing kept, then proven by a check: the lane's connection is open.
                assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: kept"));
                assertThat(Http.get(service.port(), "/").statusCode(), is(200));

                link.pause();
                long stalled = System.nanoTime();
                HttpResponse<String> during = Http.get(service.port(), "/");
                Duration took = Duration.ofNanos(System.nanoTime() - stalled);

                assertThat(during.statusCode() + " " + during.body() + " after " + took, during.statusCode(), is(503));
                link.resume();
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                HttpResponse<String> after = Http.get(service.port(), "/");
                while (after.statusCode() != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    after = Http.get(service.port(), "/");
                }
                assertThat(after.body(), is("Here are your list of messages: kept"));
            } finally {
                service.stop();
            }
        }
    }
}
