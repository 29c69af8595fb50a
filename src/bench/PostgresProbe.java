import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL helpers for the benchmark, with the service's own driver:
 *   exec URL SQL                 run one statement (create a database, seed rows)
 *   listing URL THREADS SECONDS  the raw JDBC limit of the listing: each thread with its own
 *                                connection reads every message (the service's query, in a
 *                                read-only transaction) and builds the listing text: listings/s
 * Run with: java -cp "target/libs/*" src/bench/PostgresProbe.java listing jdbc:postgresql://... 2 5
 */
public class PostgresProbe {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("exec")) {
            try (Connection db = DriverManager.getConnection(args[1]); Statement statement = db.createStatement()) {
                statement.execute(args[2]);
            }
            return;
        }
        int threads = Integer.parseInt(args[2]);
        long end = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        AtomicLong listings = new AtomicLong();
        List<Thread> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().start(() -> {
                try (Connection db = DriverManager.getConnection(args[1])) {
                    db.setAutoCommit(false);
                    db.setReadOnly(true);
                    try (PreparedStatement select = db.prepareStatement(
                            "SELECT id, value FROM messages WHERE id > ? ORDER BY id LIMIT ?")) {
                        while (System.nanoTime() < end) {
                            select.setLong(1, 0);
                            select.setLong(2, Long.MAX_VALUE);
                            StringBuilder text = new StringBuilder("Here are your list of messages: ");
                            try (ResultSet rows = select.executeQuery()) {
                                boolean first = true;
                                while (rows.next()) {
                                    rows.getLong(1);
                                    if (!first) {
                                        text.append('\n');
                                    }
                                    text.append(rows.getString(2));
                                    first = false;
                                }
                            }
                            db.commit();
                            listings.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : running) {
            thread.join();
        }
        System.out.printf("%.0f%n", listings.get() / ((System.nanoTime() - start) / 1e9));
    }
}
