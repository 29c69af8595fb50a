package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;

/** What is done to a new connection once the driver made it, before its user has it. */
@FunctionalInterface
interface ConnectionSetUp {
    /** Nothing done. */
    ConnectionSetUp NONE = made -> made;

    /** {@code made}, ready for use ({@link #applyOrClose} closes it if this throws). */
    Connection apply(Connection made) throws SQLException;

    /**
     * What HikariCP does to each connection it makes once the driver made it, where that names the
     * tables a statement meets or bounds it ({@code db.connection}'s catalog, schema and
     * {@code connectionInitSql}: e.g. {@code SET search_path TO app}, after a server's statement
     * bound), for the connections made outside the pool: a statement there meets the tables and
     * the bound it meets on a pooled one. Not readOnly, autoCommit or transactionIsolation: each
     * user outside the pool sets what its transactions need.
     */
    static ConnectionSetUp likeThePool(HikariConfig pool) {
        return made -> {
            if (pool.getCatalog() != null) {
                made.setCatalog(pool.getCatalog());
            }
            if (pool.getSchema() != null) {
                made.setSchema(pool.getSchema());
            }
            if (pool.getConnectionInitSql() != null) {
                try (Statement statement = made.createStatement()) {
                    statement.execute(pool.getConnectionInitSql());
                }
            }
            return made;
        };
    }

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
