package io.messages.db.sqlite;

import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.messages.db.DatabaseLocation;

/** What secures committed writes when SQLite's write-ahead log is lost (see {@link DatabaseFile}). */
final class WriteAheadLog {
    private static final System.Logger LOGGER = System.getLogger(WriteAheadLog.class.getName());

    private WriteAheadLog() {
    }

    /**
     * The log was deleted or replaced under the open connections: every committed write is
     * copied out of it, through a connection that still has it open, into the database file, so
     * that none depends on it any more, however this process ends.
     */
    static void secure(DbClient client, DatabaseLocation location) {
        LOGGER.log(System.Logger.Level.ERROR, "The write-ahead log of {0} was deleted or replaced under the service:"
                + " writes are refused until a restart; copying every committed write into the database file",
                   location.masked());
        try (Stream<DbRow> result = client.execute().query("PRAGMA wal_checkpoint(TRUNCATE)")) {
            DbRow row = result.findFirst().orElseThrow();
            boolean complete = row.column("busy").get(Number.class).intValue() == 0;
            LOGGER.log(complete ? System.Logger.Level.INFO : System.Logger.Level.ERROR,
                       complete ? "Every committed write is in the database file" : "The checkpoint could not complete");
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.ERROR, "Copying committed writes into the database file failed", e);
        }
    }
}
