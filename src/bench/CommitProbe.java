import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Properties;

/**
 * Raw SQLite figures beside the service's, with the service's settings (WAL, synchronous=FULL):
 *   probe DB SECONDS  single-row insert + commit on one connection, for SECONDS: commits/s
 *   seed DB N         insert N messages in one transaction (for the large listing run)
 * Run with: java -cp "target/libs/*" src/bench/CommitProbe.java probe /tmp/x.db 3
 */
public class CommitProbe {
    public static void main(String[] args) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("journal_mode", "WAL");
        settings.setProperty("synchronous", "FULL");
        settings.setProperty("busy_timeout", "5000");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + args[1], settings)) {
            try (Statement schema = db.createStatement()) {
                schema.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, value TEXT NOT NULL, "
                                       + "created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))");
            }
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO messages (value) VALUES (?)")) {
                if (args[0].equals("probe")) {
                    long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
                    long commits = 0;
                    long start = System.nanoTime();
                    while (System.nanoTime() < end) {
                        insert.setString(1, "probe-" + commits);
                        insert.executeUpdate();
                        db.commit();
                        commits++;
                    }
                    System.out.printf("%.0f%n", commits / ((System.nanoTime() - start) / 1e9));
                } else {
                    int n = Integer.parseInt(args[2]);
                    for (int i = 0; i < n; i++) {
                        insert.setString(1, "seeded message number " + i);
                        insert.addBatch();
                        if (i % 10_000 == 9_999) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                    db.commit();
                }
            }
        }
    }
}
