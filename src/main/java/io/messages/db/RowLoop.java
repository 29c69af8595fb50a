package io.messages.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The one loop that reads a query's rows into a {@link RowVisitor}, for every read outside DbClient. */
final class RowLoop {
    private RowLoop() {
    }

    /**
     * Binds {@code parameters} to {@code statement}, runs it and gives its rows to {@code visitor}
     * until it stops or the rows end.
     *
     * @return how many rows the visitor took, or -1 if it stopped early
     */
    static long run(PreparedStatement statement, List<?> parameters, RowVisitor visitor) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        long taken = 0;
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (!visitor.row(rows.getLong(1), rows.getBytes(2))) {
                    return -1;
                }
                taken++;
            }
        }
        return taken;
    }
}
