package io.messages.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbStatementException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The one decision of what a database failure means, over the codes the databases really send
 * (the end-to-end tests produce several of them for real: PostgresOutageTest, DiskFullTest).
 */
class DatabaseFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("08006 connection failure", postgres("08006"), true),
                arguments("08001 cannot connect", postgres("08001"), true),
                arguments("57P01 admin shutdown", postgres("57P01"), true),
                arguments("57P02 crash shutdown", postgres("57P02"), true),
                arguments("57P03 cannot connect now", postgres("57P03"), true),
                arguments("53300 too many connections", postgres("53300"), true),
                arguments("53100 disk full", postgres("53100"), true),
                arguments("40001 serialization failure", postgres("40001"), true),
                arguments("40P01 deadlock", postgres("40P01"), true),
                arguments("57014 query canceled (statement_timeout)", postgres("57014"), true),
                arguments("08007 a commit not confirmed (CommitBound)",
                          new DbClientException("Failed to commit transaction", postgres("08007")), true),
                arguments("25006 read-only transaction (demoted primary)", postgres("25006"), true),
                arguments("pool timeout, no state", new SQLTransientConnectionException("timed out"), true),
                arguments("pool timeout after a refused connection",
                          new SQLTransientConnectionException("timed out", "08001"), true),
                arguments("SQLITE_BUSY", sqlite(SQLiteErrorCode.SQLITE_BUSY), true),
                arguments("SQLITE_BUSY_SNAPSHOT (extended)", sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT), true),
                arguments("SQLITE_LOCKED", sqlite(SQLiteErrorCode.SQLITE_LOCKED), true),
                arguments("SQLITE_FULL", sqlite(SQLiteErrorCode.SQLITE_FULL), true),
                arguments("SQLITE_IOERR_FSYNC (extended)", sqlite(SQLiteErrorCode.SQLITE_IOERR_FSYNC), true),
                arguments("SQLITE_READONLY", sqlite(SQLiteErrorCode.SQLITE_READONLY), true),
                arguments("the service's own refusal", new DatabaseUnavailableException("no write turn"), true),
                arguments("outage wrapped by the database client",
                          new DbStatementException("Failed to execute Statement", "INSERT", postgres("57P01")), true),
                arguments("a bug whose rollback then met an outage", suppressed(postgres("08006")), false),
                arguments("23505 unique violation", postgres("23505"), false),
                arguments("23503 foreign key at commit", postgres("23503"), false),
                arguments("42P01 no such table", postgres("42P01"), false),
                arguments("28P01 bad password (a misconfiguration, not an outage)",
                          new SQLTransientConnectionException("timed out", "28P01"), false),
                arguments("SQLITE_CONSTRAINT_FOREIGNKEY", sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY), false),
                arguments("SQLITE_ERROR (syntax, no such table)", sqlite(SQLiteErrorCode.SQLITE_ERROR), false),
                arguments("a bug in a handler", new IllegalStateException("bug"), false),
                arguments("database client failure without a database cause", new DbClientException("mapping"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failureIsUnavailableOnlyWhenTheDatabaseCannotServeForNow(String name, Throwable failure, boolean unavailable) {
        assertThat(DatabaseFailure.unavailable(failure), is(unavailable));
    }

    @Test
    void aCommitNotConfirmedSaysItMayBeStoredAndComesFromAServerStillThere() {
        SQLException unconfirmed = postgres(DatabaseFailure.UNCONFIRMED);

        assertThat(DatabaseFailure.unconfirmed(new DbClientException("Failed to commit transaction", unconfirmed)), is(true));
        assertThat(DatabaseFailure.unconfirmed(postgres("08006")), is(false));
        assertThat(DatabaseFailure.serverGone(unconfirmed), is(false));
        assertThat(DatabaseFailure.serverGone(postgres("08006")), is(true));
    }

    private static SQLException postgres(String state) {
        return new SQLException("server said " + state, state);
    }

    private static SQLException sqlite(SQLiteErrorCode code) {
        return new SQLiteException(code.message, code);
    }

    private static Throwable suppressed(Throwable outage) {
        IllegalStateException first = new IllegalStateException("the handler failed first");
        first.addSuppressed(outage);
        return first;
    }
}
