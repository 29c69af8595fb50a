package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;

/** What is done to a new connection once the driver made it, before its user has it. */
@FunctionalInterface
interface ConnectionSetUp {
    /** Nothing done. */
    ConnectionSetUp NONE = made -> made;

    /** {@code made}, ready for use ({@link #applyOrClose} closes it if this throws). */
    Connection apply(Connection made) throws SQLException;

    /** This, then {@code next}. */
    default ConnectionSetUp andThen(ConnectionSetUp next) {
        return made -> next.apply(apply(made));
    }

    /** {@code made}, set up; if setting it up fails, closed, and the failure thrown. */
    default Connection applyOrClose(Connection made) throws SQLException {
        try {
            return apply(made);
        } catch (SQLException | RuntimeException e) {
            try {
                made.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }
}
