package io.messages.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

/**
 * A table another process keeps locked (a long {@code LOCK TABLE}, an {@code ALTER} run by hand):
 * each request waiting for it gives up, writes and the listing's check alike, and nothing of it
 * stays behind on the server. With a socketTimeout of 4 s the server ends each statement at 3.3 s:
 * the 0.7 s between is the cancel's time to arrive, ample on a loaded machine.
 */
class LockedTableTest {
    private static final int WAVES = 2;
    private static final int REQUESTS = 12;

    @Test
    void requestsThatWaitForALockedTableGiveUpWithoutLeavingBackendsWaitingOnTheServer() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Service service = start(url);
        try (Connection holder = DriverManager.getConnection(url); Statement lock = holder.createStatement();
             Connection observer = DriverManager.getConnection(url)) {
            assertThat(Http.get(service.port(), "/record?msg=before").statusCode(), is(200));
            long retired = service.engine().pool().retired();
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");

            List<Integer> statuses = new ArrayList<>();
            List<Long> waiting = new ArrayList<>();
            for (int wave = 0; wave < WAVES; wave++) {
                Http.getAtOnce(service.port(), "/record?msg=locked", REQUESTS).forEach(answer -> statuses.add(answer.statusCode()));
                waiting.add(backendsWaitingForALock(observer));
            }

            assertThat(statuses, everyItem(is(503)));
            // Every request has been answered: none of the service's statements still waits there.
            assertThat("backends waiting for the lock after each wave", waiting, everyItem(is(0L)));
            assertThat("connections retired", service.engine().pool().retired(), is(retired));
            holder.rollback();
            assertThat(Http.get(service.port(), "/record?msg=after").statusCode(), is(200));
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: before\nafter"));
        } finally {
            service.stop();
        }
    }

    @Test
    void aListingWhoseCheckWaitsForALockedTableGivesUpAndIsExactOnceTheLockIsGone() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Service service = start(url);
        try (Connection holder = DriverManager.getConnection(url); Statement lock = holder.createStatement();
             Connection observer = DriverManager.getConnection(url)) {
            assertThat(Http.get(service.port(), "/record?msg=before").statusCode(), is(200));
            // Kept now: the next GET / is its check on the listing's own connection, not a listing.
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: before"));
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
            lock.execute("INSERT INTO messages (value) VALUES ('held')");

            assertThat(Http.get(service.port(), "/").statusCode(), is(503));
            assertThat("backends waiting for the lock", backendsWaitingForALock(observer), is(0L));
            holder.commit();
            assertThat(Http.get(service.port(), "/").body(), is("Here are your list of messages: before\nheld"));
        } finally {
            service.stop();
        }
    }

    private static Service start(String url) {
        return Main.start(TestConfig.postgres(url, Map.of("db.connection.dataSource.socketTimeout", "4",
                                                          "messages.warm-up.enabled", "false")));
    }

    private static long backendsWaitingForALock(Connection observer) throws Exception {
        try (Statement statement = observer.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                                             + " AND wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
