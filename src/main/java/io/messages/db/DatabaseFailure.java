package io.messages.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.sqlite.SQLiteException;

/**
 * What a database failure means, decided in this one place from the failure itself (SQLSTATE,
 * SQLite result code), whatever exception class carries it and wherever in a request it happened:
 * the database cannot serve now but may in a moment ({@link #unavailable(Throwable)}: 503 with
 * {@code Retry-After}; anything else is 500), or the connection's server went away, so every
 * pooled connection to it is suspect ({@link #serverGone(SQLException)}). Which failures are
 * which: docs/design.md, "DatabaseFailure".
 */
public final class DatabaseFailure {
    /** SQLSTATE 08007, transaction resolution unknown: a commit the server did not confirm ({@link CommitBound}). */
    public static final String UNCONFIRMED = "08007";

    // PostgreSQL (and SQL standard) states, by class or exact code.
    private static final Set<String> UNAVAILABLE_CLASSES = Set.of(
            "08",  // connection exception: lost, refused, cannot be established
            "53"); // insufficient resources: too many connections, disk full, out of memory
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "57P01", // admin shutdown
            "57P02", // crash shutdown
            "57P03", // cannot connect now: starting up, in recovery
            "40001", // serialization failure
            "40P01", // deadlock detected
            "57014", // query canceled: it outlasted its bound on the server (ServerKind), or an operator cancelled it
            "25006"); // read-only SQL transaction: the server is (now) a standby
    private static final Set<String> SERVER_GONE_STATES = Set.of("57P01", "57P02", "57P03", "25006");

    // SQLite primary result codes (the low byte of extended codes).
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final Set<Integer> SQLITE_UNAVAILABLE = Set.of(
            SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN);

    private DatabaseFailure() {
    }

    /**
     * Whether {@code failure}, or anything it was caused by, says the database is
     * unavailable for now rather than the request's work being wrong.
     *
     * @param failure what a request, commit, rollback or pool checkout threw
     * @return true to answer 503 with {@code Retry-After}
     */
    public static boolean unavailable(Throwable failure) {
        return Causes.of(failure).stream()
                .anyMatch(t -> t instanceof DatabaseUnavailableException || t instanceof SQLException sql && unavailable(sql));
    }

    /**
     * Whether {@code failure} says that a commit was not confirmed: what it wrote may be stored
     * (a 503 that must not say that nothing was).
     */
    public static boolean unconfirmed(Throwable failure) {
        return Causes.of(failure).stream().anyMatch(t -> t instanceof SQLException sql && UNCONFIRMED.equals(sql.getSQLState()));
    }

    /**
     * Whether {@code failure} is the connection lost while a call was under way (the driver's
     * 08006): what the server did with that call is not known.
     */
    static boolean lostMidCall(SQLException failure) {
        return "08006".equals(failure.getSQLState());
    }

    /** Whether the disk holding the SQLite database is full, as {@code failure} says. */
    public static boolean diskFull(Throwable failure) {
        return Causes.of(failure).stream().anyMatch(t -> t instanceof SQLiteException sqlite && primary(sqlite) == SQLITE_FULL);
    }

    /**
     * Whether {@code failure} says the server behind the connection went away (shut down, crashed,
     * restarting, or demoted to a standby), so that every pooled connection to it is suspect.
     */
    static boolean serverGone(SQLException failure) {
        String state = failure.getSQLState();
        // Not 08007: a commit the server did not confirm comes from a server still there.
        return state != null && (state.startsWith("08") && !UNCONFIRMED.equals(state) || SERVER_GONE_STATES.contains(state));
    }

    /**
     * Whether {@code failure} is SQLite refusing a write as read-only. The connection may be read
     * only for good: SQLite opens a database (or its write-ahead log) that it cannot open for
     * writing read-only, silently, and such a connection keeps refusing writes after the storage
     * is writable again (a pool refilled during a storage fault would never write again).
     */
    static boolean readOnly(SQLException failure) {
        return failure instanceof SQLiteException sqlite && primary(sqlite) == SQLITE_READONLY;
    }

    private static boolean unavailable(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return SQLITE_UNAVAILABLE.contains(primary(sqlite));
        }
        String state = e.getSQLState();
        if (state != null && state.length() == 5) {
            return UNAVAILABLE_CLASSES.contains(state.substring(0, 2)) || UNAVAILABLE_STATES.contains(state);
        }
        // No state: the pool's own timeout (SQLTransientConnectionException) and its kin.
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException;
    }

    private static int primary(SQLiteException e) {
        return e.getResultCode().code & 0xff;
    }

    /** The message of the innermost cause of {@code e} (its class name if it has none), for one-line reports. */
    static String rootMessage(Throwable e) {
        Throwable root = Causes.root(e);
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
