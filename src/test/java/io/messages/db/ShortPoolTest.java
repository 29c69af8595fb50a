package io.messages.db;

import java.util.Map;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.messages.testing.Rows;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * A SQLite pool that lost its connections to a failure is refilled by HikariCP with backoff; a
 * request does not wait for that refill, it opens a connection of its own. Proven with a pool that
 * cannot refill at all (suspended, none kept idle): the request is served at once, and not from
 * the pool.
 */
class ShortPoolTest {

    @Test
    void aWriteWhileThePoolIsShortOpensAConnectionOfItsOwnInsteadOfWaitingForTheRefill() {
        Map<String, String> pool = Map.of("db.connection.maximumPoolSize", "2", "db.connection.minimumIdle", "0",
                                          "db.connection.allowPoolSuspension", "true",
                                          "db.connection.connectionTimeout", "60000");
        try (Engine engine = Engine.open(TestConfig.sqlite(TestConfig.tempDir().resolve("m.db"), pool).get("db"))) {
            engine.client().execute().namedGet("insert-message", "before");
            HikariPoolMXBean figures = engine.pool().figures();
            // What a storage fault leaves: no connection in the pool, and none coming soon.
            figures.softEvictConnections();
            figures.suspendPool();
            try {
                assertThat("the pool is empty", figures.getTotalConnections(), is(0));

                // Without a connection of its own, this would wait for the pool's connectionTimeout (a minute).
                engine.client().execute().namedGet("insert-message", "while-short");

                assertThat("not from the pool", figures.getTotalConnections(), is(0));
                assertThat(engine.pool().madeForRequests(), is(1L));
            } finally {
                figures.resumePool();
            }
            assertThat(Rows.values(engine), is(java.util.List.of("before", "while-short")));
        }
    }
}
