package io.messages.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.Read;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * The listing's check runs on the lane's connection before nearly every listing, each time for
 * another snapshot. PostgreSQL plans it once there: left to itself it plans a prepared statement
 * again at each of its first five runs, and after them too whenever a plan for the values given
 * looks cheaper than the generic one, as it does for this statement once the table has
 * statistics (the snapshot's xmin makes the estimate exact), at about twice the server's CPU per check.
 */
class ListingCheckPlanTest {
    // The lane's prepared check as the lane's own session sees it (pg_prepared_statements is per
    // session): how often it was planned for the values given, how often the generic plan ran.
    private static final String PLANS = "SELECT custom_plans AS id, CAST(generic_plans AS text) AS value"
            + " FROM pg_prepared_statements WHERE statement LIKE '%pg_visible_in_snapshot%'"
            + " AND statement NOT LIKE '%pg_prepared_statements%'";

    @Test
    void theCheckIsPlannedOnceOnItsConnectionOnATableWithStatistics() throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        Service service = Main.start(TestConfig.postgres(url, Map.of(
                "db.statements.lane-plans", PLANS,
                "messages.warm-up.enabled", "false")));
        try {
            try (Connection outside = DriverManager.getConnection(url); Statement statement = outside.createStatement()) {
                statement.execute("INSERT INTO messages (value) SELECT 'message ' || n FROM generate_series(1, 1000) n");
                statement.execute("ANALYZE messages");
            }
            for (int i = 0; i < 20; i++) {
                assertThat(Http.get(service.port(), "/record?msg=m" + i).statusCode(), is(200));
                assertThat(Http.get(service.port(), "/").body().endsWith("\nm" + i), is(true));
            }

            // Each row: how often the check was planned for its values, how often the generic plan ran.
            List<long[]> plans = new ArrayList<>();
            service.engine().read(Read.small("lane-plans"), (custom, generic) -> plans.add(
                    new long[] {custom, Long.parseLong(new String(generic, StandardCharsets.UTF_8))}));

            assertThat(plans.size(), is(1));
            assertThat("runs planned for their values", plans.getFirst()[0], is(0L));
            // The driver prepares it on the server from its fifth run: those runs are the generic plan's.
            assertThat("runs of the generic plan", plans.getFirst()[1], greaterThanOrEqualTo(1L));
        } finally {
            service.stop();
        }
    }
}
