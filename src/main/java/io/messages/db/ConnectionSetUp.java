package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;

/** What is done to a new connection once the driver made it, before its user has it. */
@FunctionalInterface
interface ConnectionSetUp {
    /** Nothing done. */
    ConnectionSetUp NONE = made -> made;

    /** {@code made}, ready for use; the caller closes it if this throws. */
    Connection apply(Connection made) throws SQLException;
}
