package io.messages.db.server;

import com.zaxxer.hikari.HikariConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * The bound a server puts on each statement (ServerKind.completePool) follows the driver's
 * socketTimeout as the driver itself takes it, below it; LockedTableTest shows what it is for.
 */
class StatementBoundTest {
    private static final String URL = "jdbc:postgresql://db:5432/messages";

    @Test
    void eachStatementIsBoundToFiveSixthsOfTheSocketTimeout() {
        assertThat(initSql(URL, "30", null), is("SET statement_timeout = 25000"));
    }

    @Test
    void theUrlsSocketTimeoutWinsAsItDoesInTheDriver() {
        assertThat(initSql(URL + "?sslmode=verify-full&socketTimeout=6", "30", null), is("SET statement_timeout = 5000"));
    }

    @Test
    void aConfiguredInitSqlRunsAfterTheBoundSoItMaySetItsOwn() {
        assertThat(initSql(URL, "30", "SET statement_timeout = 60000"),
                   is("SET statement_timeout = 25000; SET statement_timeout = 60000"));
    }

    @Test
    void noSocketTimeoutNoBound() {
        assertThat(initSql(URL, null, null), is(nullValue()));
        assertThat(initSql(URL, "0", null), is(nullValue()));
    }

    @Test
    void aSocketTimeoutBeyondWhatTheServerTakesIsBoundAtItsLargest() {
        for (long seconds : new long[] {Integer.MAX_VALUE / 1000, Long.MAX_VALUE / 1000, Long.MAX_VALUE / 2, Long.MAX_VALUE}) {
            assertThat(initSql(URL, String.valueOf(seconds), null), is("SET statement_timeout = " + Integer.MAX_VALUE));
        }
    }

    private static String initSql(String url, String socketTimeout, String configured) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        if (socketTimeout != null) {
            pool.addDataSourceProperty("socketTimeout", socketTimeout);
        }
        pool.setConnectionInitSql(configured);
        new ServerKind().completePool(pool);
        return pool.getConnectionInitSql();
    }
}
